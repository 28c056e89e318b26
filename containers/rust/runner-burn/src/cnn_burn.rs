//! `rust/burn`: task `cnn-cifar10` on burn 0.22's Flex CPU backend with
//! autodiff: burn-nn's `Conv2d` (padding 1), `MaxPool2d` (2×2, stride 2),
//! `Relu`, `Linear` and `CrossEntropyLoss` (mean of −log_softmax at the label),
//! and burn-optim's `Adam`.
//!
//! - Layouts: burn's `Conv2d` weight is PyTorch's `[out, in, kh, kw]`; its
//!   `Linear` weight is `[in, out]` (`x·W + b`), the transpose of PyTorch's, so
//!   the fc weights are transposed on the way in and back on the way out.
//! - Adam: written here on burn tensors ([`AdamState::update`]), in PyTorch's order of
//!   operations. burn-optim's `Adam` has the contract's formula — θ ← θ − lr·m·(√(1 − β2ᵗ) /
//!   (1 − β1ᵗ)) / (√v + eps·√(1 − β2ᵗ)) is `(lr / (1 − β1ᵗ))·m / (√v / √(1 − β2ᵗ) + eps)`
//!   with eps outside the square root — but it keeps β1, β2 and eps as f32 and computes
//!   its bias corrections in f32, so in the f64 check it is not the f64 algorithm: after
//!   three steps its parameters were 1.6e-6 off PyTorch's f64 ones (the contract: 1e-9).
//! - The max pool: Flex's gradient goes to the window's first maximum (`val > max`,
//!   row-major), as PyTorch's.
//! - The f64 check: every tensor created as `DType::F64`; Flex and its autodiff
//!   compute in the element type of their inputs.
//!
//! Threads: Flex (built with its `rayon` feature) runs its kernels and gemm on
//! rayon's global pool, which the runner core sizes to the spec's threads.

use anyhow::{Context, Result, bail};
use burn::module::{Module, Param};
use burn::nn::conv::Conv2d;
use burn::nn::loss::{CrossEntropyLoss, CrossEntropyLossConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Linear, PaddingConfig2d, Relu};
use burn::tensor::{DType, Device, Gradients, Int, Tensor, TensorData};
use equibench_runner::protocol::Spec;
use equibench_runner::task::{Compute, Task};
use equibench_runner::tasks::cnn_cifar10::cifar::{CHANNELS, IMAGE, SIDE};
use equibench_runner::tasks::cnn_cifar10::{
    self, Adam, CLASSES, Engine, EngineReport, Floats, HostSet, PARAMETERS, Precision, Weights,
};
use serde_json::json;

use crate::locked_version;

/// `rust/burn`.
pub fn rust_burn(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    cnn_cifar10::create::<BurnEngine>(spec)
}

/// The network, as burn-nn modules.
#[derive(Module, Debug)]
pub struct Cnn {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    fc1: Linear,
    fc2: Linear,
    relu: Relu,
}

impl Cnn {
    fn forward(&self, x: Tensor<4>) -> Tensor<2> {
        let x = self.pool.forward(self.relu.forward(self.conv1.forward(x)));
        let x = self.pool.forward(self.relu.forward(self.conv2.forward(x)));
        // NCHW flattened: feature c·64 + h·8 + w, as fc1's weights expect.
        let x = self.relu.forward(self.fc1.forward(x.flatten(1, 3)));
        self.fc2.forward(x)
    }

    /// Every parameter in PyTorch's layouts and the contract's order, flattened.
    fn flat_parameters(&self) -> Tensor<1> {
        let flat = |t: Tensor<4>| t.flatten::<1>(0, 3);
        let linear = |t: Tensor<2>| t.transpose().flatten::<1>(0, 1);
        let bias = |layer: &Option<Param<Tensor<1>>>| layer.as_ref().expect("every layer has a bias").val();
        Tensor::cat(
            vec![
                flat(self.conv1.weight.val()),
                bias(&self.conv1.bias),
                flat(self.conv2.weight.val()),
                bias(&self.conv2.bias),
                linear(self.fc1.weight.val()),
                bias(&self.fc1.bias),
                linear(self.fc2.weight.val()),
                bias(&self.fc2.bias),
            ],
            0,
        )
    }
}

/// A 3×3 convolution, stride 1, zero padding 1 on every side, as `torch.nn.Conv2d(…, padding=1)`.
fn conv(weight: Tensor<4>, bias: Tensor<1>) -> Conv2d {
    Conv2d {
        weight: Param::from_tensor(weight),
        bias: Some(Param::from_tensor(bias)),
        stride: [1, 1],
        kernel_size: [3, 3],
        dilation: [1, 1],
        groups: 1,
        padding: PaddingConfig2d::Explicit(1, 1, 1, 1),
    }
}

/// A linear layer from PyTorch's `[out, in]` weight (burn's is `[in, out]`).
fn linear(weight: Tensor<2>, bias: Tensor<1>) -> Linear {
    Linear { weight: Param::from_tensor(weight.transpose()), bias: Some(Param::from_tensor(bias)) }
}

pub struct BurnEngine {
    /// Flex, where data sets live and the network evaluates.
    device: Device,
    /// Flex with autodiff, where the network trains.
    autodiff: Device,
}

pub struct BurnData {
    /// N × 3 × 32 × 32.
    images: Tensor<4>,
    labels: Tensor<1, Int>,
    /// One index tensor per step.
    batches: Vec<Tensor<1, Int>>,
    test_images: Option<Tensor<4>>,
}

pub struct BurnModel {
    /// `None` only while a step has it: burn's optimizer consumes the module and returns the updated one.
    net: Option<Cnn>,
    /// The initial weights, PyTorch layouts, on the autodiff device.
    init: Vec<Tensor<1>>,
    adam: AdamState,
    loss: CrossEntropyLoss,
}

impl BurnModel {
    fn net(&self) -> &Cnn {
        self.net.as_ref().expect("a step always puts the network back")
    }
}

fn dtype(precision: Precision) -> DType {
    match precision {
        Precision::F32 => DType::F32,
        Precision::F64 => DType::F64,
    }
}

/// A float tensor of `values`, in their precision.
fn tensor<const D: usize>(values: &Floats, shape: [usize; D], device: &Device) -> Tensor<D> {
    let data = match values {
        Floats::F32(v) => TensorData::new(v.clone(), shape),
        Floats::F64(v) => TensorData::new(v.clone(), shape),
    };
    Tensor::from_data(data, (device, dtype(values.precision())))
}

/// N × 3 × 32 × 32 images, taking over the host values (no copy on the way in).
fn images(values: Floats, device: &Device) -> Tensor<4> {
    let shape = [values.len() / IMAGE, CHANNELS, SIDE, SIDE];
    let dtype = dtype(values.precision());
    let data = match values {
        Floats::F32(v) => TensorData::new(v, shape),
        Floats::F64(v) => TensorData::new(v, shape),
    };
    Tensor::from_data(data, (device, dtype))
}

fn indices(values: &[i64], device: &Device) -> Tensor<1, Int> {
    Tensor::from_data(TensorData::new(values.to_vec(), [values.len()]), device)
}

/// Adam's state and settings: torch.optim.Adam's single-tensor update on burn tensors.
struct AdamState {
    adam: Adam,
    /// Steps taken.
    step: f64,
    /// First and second moments per parameter, in [`PARAMETERS`]' order, flattened, on Flex.
    exp_avg: Vec<Tensor<1>>,
    exp_avg_sq: Vec<Tensor<1>>,
}

/// The scalars of one Adam step, computed in f64 as Python computes them.
struct StepScalars {
    step_size: f64,
    bias_correction2_sqrt: f64,
}

impl AdamState {
    /// Zero moments shaped as `init`, step count 0.
    fn new(adam: &Adam, init: &[Tensor<1>]) -> AdamState {
        let zeros = || init.iter().map(|t| t.clone().inner().zeros_like()).collect::<Vec<_>>();
        AdamState { adam: *adam, step: 0.0, exp_avg: zeros(), exp_avg_sq: zeros() }
    }

    /// Counts a step and returns its bias-corrected scalars.
    fn next_step(&mut self) -> StepScalars {
        let Adam { learning_rate, beta1, beta2, .. } = self.adam;
        self.step += 1.0;
        let bias_correction1 = 1.0 - beta1.powf(self.step);
        let bias_correction2 = 1.0 - beta2.powf(self.step);
        StepScalars {
            step_size: learning_rate / bias_correction1,
            bias_correction2_sqrt: bias_correction2.powf(0.5),
        }
    }

    /// Parameter `slot`'s update, as torch.optim.Adam's `_single_tensor_adam` (no weight decay,
    /// AMSGrad or maximize), in its order of operations:
    ///
    /// ```text
    /// exp_avg.lerp_(grad, 1 - beta1)        # exp_avg + (1 - beta1)·(grad - exp_avg)
    /// exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    /// denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    /// param.addcdiv_(exp_avg, denom, value=-step_size)
    /// ```
    ///
    /// The new value is a fresh autodiff leaf under the parameter's id.
    fn update<const D: usize>(
        &mut self,
        param: Param<Tensor<D>>,
        grads: &Gradients,
        slot: usize,
        scalars: &StepScalars,
    ) -> Param<Tensor<D>> {
        let Adam { beta1, beta2, eps, .. } = self.adam;
        param.map(|value| {
            let shape = value.shape();
            let grad = value.grad(grads).expect("every parameter is in the graph").flatten::<1>(0, D - 1);
            let exp_avg = self.exp_avg[slot].clone();
            let exp_avg = exp_avg.clone() + (grad.clone() - exp_avg).mul_scalar(1.0 - beta1);
            let exp_avg_sq =
                self.exp_avg_sq[slot].clone().mul_scalar(beta2) + grad.clone().mul_scalar(1.0 - beta2) * grad;
            let denom = exp_avg_sq.clone().sqrt().div_scalar(scalars.bias_correction2_sqrt).add_scalar(eps);
            let step = exp_avg.clone().mul_scalar(-scalars.step_size) / denom;
            (self.exp_avg[slot], self.exp_avg_sq[slot]) = (exp_avg, exp_avg_sq);
            let value = value.inner().flatten::<1>(0, D - 1) + step;
            Tensor::from_inner(value.reshape(shape)).require_grad()
        })
    }

    /// One Adam step on every parameter of `net`, with the gradients of `grads`.
    fn step(&mut self, net: Cnn, grads: &Gradients) -> Cnn {
        let scalars = self.next_step();
        let Cnn { mut conv1, mut conv2, pool, mut fc1, mut fc2, relu } = net;
        let bias = |b: Option<Param<Tensor<1>>>| b.expect("every layer has a bias");
        conv1.weight = self.update(conv1.weight, grads, 0, &scalars);
        conv1.bias = Some(self.update(bias(conv1.bias), grads, 1, &scalars));
        conv2.weight = self.update(conv2.weight, grads, 2, &scalars);
        conv2.bias = Some(self.update(bias(conv2.bias), grads, 3, &scalars));
        // burn's [in, out] fc weights: the moments follow the parameter's own layout.
        fc1.weight = self.update(fc1.weight, grads, 4, &scalars);
        fc1.bias = Some(self.update(bias(fc1.bias), grads, 5, &scalars));
        fc2.weight = self.update(fc2.weight, grads, 6, &scalars);
        fc2.bias = Some(self.update(bias(fc2.bias), grads, 7, &scalars));
        Cnn { conv1, conv2, pool, fc1, fc2, relu }
    }
}

impl BurnEngine {
    /// The network with the initial weights `init` (PyTorch layouts, flattened).
    fn network(&self, init: &[Tensor<1>]) -> Cnn {
        let shaped = |i: usize| init[i].clone();
        let dims = |i: usize| PARAMETERS[i].shape;
        let conv_weight = |i: usize| shaped(i).reshape([dims(i)[0], dims(i)[1], dims(i)[2], dims(i)[3]]);
        let linear_weight = |i: usize| shaped(i).reshape([dims(i)[0], dims(i)[1]]);
        Cnn {
            conv1: conv(conv_weight(0), shaped(1)),
            conv2: conv(conv_weight(2), shaped(3)),
            pool: MaxPool2dConfig::new([2, 2]).with_strides([2, 2]).init(),
            fc1: linear(linear_weight(4), shaped(5)),
            fc2: linear(linear_weight(6), shaped(7)),
            relu: Relu::new(),
        }
    }
}

impl Engine for BurnEngine {
    type Data = BurnData;
    type Model = BurnModel;

    fn start(_threads: usize) -> Result<BurnEngine> {
        let device = Device::flex();
        Ok(BurnEngine { autodiff: device.clone().autodiff(), device })
    }

    fn load(&self, set: HostSet) -> Result<BurnData> {
        let batch_size = set.batch_size;
        Ok(BurnData {
            images: images(set.images, &self.device),
            labels: indices(&set.labels, &self.device),
            batches: set.batches.chunks_exact(batch_size).map(|batch| indices(batch, &self.device)).collect(),
            test_images: set.test_images.map(|test| images(Floats::F32(test), &self.device)),
        })
    }

    fn build(&self, init: &Weights, adam: &Adam) -> Result<BurnModel> {
        let init: Vec<Tensor<1>> =
            init.iter().map(|(p, values)| tensor(values, [p.numel()], &self.autodiff)).collect();
        Ok(BurnModel {
            net: Some(self.network(&init)),
            adam: AdamState::new(adam, &init),
            init,
            loss: CrossEntropyLossConfig::new().init(&self.autodiff),
        })
    }

    fn reset(&self, model: &mut BurnModel) -> Result<()> {
        // burn's tensors are values: the trained parameters are new tensors, the initial ones unchanged.
        model.net = Some(self.network(&model.init));
        model.adam = AdamState::new(&model.adam.adam, &model.init);
        Ok(())
    }

    fn step(&self, model: &mut BurnModel, data: &BurnData, step: usize) -> Result<f64> {
        let batch = &data.batches[step];
        // Gathered on Flex, then handed to autodiff: the gather is not part of the graph.
        let x = data.images.clone().select(0, batch.clone()).autodiff();
        let y = data.labels.clone().select(0, batch.clone()).autodiff();
        let net = model.net.take().expect("a step always puts the network back");
        let loss = model.loss.forward(net.forward(x), y);
        let grads = loss.backward();
        let value = loss.into_scalar::<f64>();
        model.net = Some(model.adam.step(net, &grads));
        Ok(value)
    }

    fn parameters(&self, model: &BurnModel) -> Result<Floats> {
        let flat = model.net().flat_parameters();
        let dtype = flat.dtype();
        let data = flat.into_data();
        let read = |e| anyhow::anyhow!("reading the parameters back: {e:?}");
        Ok(match dtype {
            DType::F32 => Floats::F32(data.try_into_vec().map_err(read)?),
            DType::F64 => Floats::F64(data.try_into_vec().map_err(read)?),
            other => bail!("the parameters are {other:?}"),
        })
    }

    fn logits(&self, model: &BurnModel, data: &BurnData, start: usize, len: usize) -> Result<Vec<f32>> {
        let test = data.test_images.as_ref().context("this data set has no test images")?;
        // `valid()`: the network without autodiff, as burn evaluates.
        let logits = model.net().valid().forward(test.clone().narrow(0, start, len));
        if logits.dims() != [len, CLASSES] || logits.dtype() != DType::F32 {
            bail!(
                "the network gave {:?} logits {:?}, expected f32 [{len}, {CLASSES}]",
                logits.dtype(),
                logits.dims()
            );
        }
        logits.into_data().try_into_vec().map_err(|e| anyhow::anyhow!("reading the logits back: {e:?}"))
    }

    fn report(&self, model: &BurnModel) -> Result<EngineReport> {
        Ok(EngineReport {
            framework: "burn",
            libraries: vec![
                ("burn", locked_version("burn").to_string()),
                ("burn-flex", locked_version("burn-flex").to_string()),
            ],
            compute: Compute::RayonPool,
            dtype: match model.net().conv1.weight.val().dtype() {
                DType::F32 => "f32",
                DType::F64 => "f64",
                _ => "other",
            },
            // The update's own settings: burn-optim's Adam is not used (module docs).
            adam: model.adam.adam,
            settings: json!({
                "backend": "Flex (burn-flex: pure Rust, simd, rayon) with autodiff",
                "device": format!("{:?}", self.device),
                "optimizer": "torch.optim.Adam's single-tensor update on burn tensors, scalars in f64 \
                              (burn-optim's Adam holds beta_1, beta_2, epsilon as f32)",
                "layers": "burn::nn::conv::Conv2d (padding Explicit(1,1,1,1)), burn::nn::pool::MaxPool2d (2x2, \
                           stride 2), burn::nn::Linear (weights [in, out])",
                "loss": "burn::nn::loss::CrossEntropyLoss (mean)",
                "parameters": PARAMETERS.iter().map(|p| p.role).collect::<Vec<_>>(),
            }),
            native: None,
            notes: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> BurnEngine {
        BurnEngine::start(1).unwrap()
    }

    /// Initial weights 0, 1, 2, … (f64), so that a layout mix-up shows.
    fn counting_weights() -> Weights {
        Weights(
            PARAMETERS
                .iter()
                .map(|p| Floats::F64((0..p.numel()).map(|i| i as f64 * 1e-6).collect()))
                .collect(),
        )
    }

    #[test]
    fn the_parameters_come_back_in_pytorch_layouts() {
        let engine = engine();
        let adam = Adam { learning_rate: 0.001, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 };
        let model = engine.build(&counting_weights(), &adam).unwrap();
        // burn's fc weights are [in, out]: the transposes of PyTorch's.
        assert_eq!(model.net().fc1.weight.val().dims(), [4096, 512]);
        assert_eq!(model.net().fc2.weight.val().dims(), [512, 10]);
        let Floats::F64(flat) = engine.parameters(&model).unwrap() else { panic!("f64 parameters") };
        let expected: Vec<f64> = counting_weights()
            .0
            .into_iter()
            .flat_map(|w| match w {
                Floats::F64(v) => v,
                Floats::F32(_) => unreachable!(),
            })
            .collect();
        assert_eq!(flat, expected);
    }

    /// Two updates of one parameter against torch.optim.Adam's formula, evaluated here in f64.
    #[test]
    fn adam_update_is_torchs() {
        let device = Device::flex().autodiff();
        let adam = Adam { learning_rate: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 };
        let init = [1.0f64, -2.0];
        let mut param = Param::from_tensor(Tensor::<1>::from_data(
            TensorData::new(init.to_vec(), [2]),
            (&device, DType::F64),
        ));
        let mut state = AdamState::new(&adam, &[param.val()]);
        let (g1, g2) = ([0.5f64, -3.0], [0.25f64, 1.0]);
        for g in [g1, g2] {
            // loss = Σ gᵢ·θᵢ has the gradient g.
            let weights = Tensor::<1>::from_data(TensorData::new(g.to_vec(), [2]), (&device, DType::F64));
            let grads = (param.val() * weights).sum().backward();
            let scalars = state.next_step();
            param = state.update(param, &grads, 0, &scalars);
        }
        let got: Vec<f64> = param.val().into_data().try_into_vec().unwrap();
        for i in 0..2 {
            let theta = adam.textbook(init[i], &[g1[i], g2[i]]);
            assert!((got[i] - theta).abs() < 1e-15, "{i}: {} vs {theta}", got[i]);
        }
    }
}
