//! `rust/candle`: the network on candle-nn's `Conv2d` (padding 1) and `Linear`
//! (PyTorch's `[out, in]` weights, `x·Wᵀ + b`), `loss::cross_entropy` (the mean
//! of −log_softmax at the label) and `AdamW` with weight decay 0.
//!
//! candle-nn's only Adam is `AdamW`; with `weight_decay` 0 its update is the
//! contract's Adam: m̂ = m / (1 − β1ᵗ), v̂ = v / (1 − β2ᵗ), θ ← θ·(1 − lr·0) −
//! lr·m̂ / (√v̂ + eps), eps outside the square root on the corrected v —
//! √(v / (1 − β2ᵗ)) is √v / √(1 − β2ᵗ) up to rounding, and the hyperparameters
//! are f64.
//!
//! The max pool is this module's [`MaxPool2x2`]: candle's `max_pool2d` computes
//! the maximum, but its gradient multiplies the output gradient by the share of
//! maxima in the window (¼ for a single maximum) where it should divide by their
//! count, and splits ties. PyTorch gives a window's whole gradient to its first
//! maximum (row-major), and so does [`MaxPool2x2`].
//!
//! Threads: as gpt2-generate's candle row (`check_candle_threads`): candle's
//! matmul (and so its im2col convolutions) splits its work into `threads` parts
//! on rayon's global pool.

use anyhow::{Context, Result, bail};
use candle_core::backend::BackendStorage;
use candle_core::{CpuStorage, DType, Device, Layout, Module, Shape, Tensor, Var, WithDType};
use candle_nn::optim::{AdamW, Optimizer, ParamsAdamW};
use candle_nn::{Conv2d, Conv2dConfig, Linear};
use serde_json::json;

use super::cifar::{CHANNELS, IMAGE, SIDE};
use super::{Adam, CLASSES, Engine, EngineReport, Floats, HostSet, PARAMETERS, Weights};
use crate::task::Compute;
use crate::tasks::gpt2_generate::check_candle_threads;

pub struct CandleEngine;

/// A data set's tensors on the CPU.
pub struct CandleData {
    /// N × 3 × 32 × 32.
    images: Tensor,
    /// u32, one per image.
    labels: Tensor,
    /// u32, steps × batch_size.
    batches: Tensor,
    test_images: Option<Tensor>,
}

pub struct CandleModel {
    /// The parameters in [`PARAMETERS`]' order; the layers below share their storage.
    vars: Vec<Var>,
    init: Vec<Tensor>,
    conv1: Conv2d,
    conv2: Conv2d,
    fc1: Linear,
    fc2: Linear,
    optimizer: AdamW,
}

/// A tensor of `values` in their precision.
fn tensor(values: &Floats, shape: &[usize]) -> Result<Tensor> {
    let device = &Device::Cpu;
    Ok(match values {
        Floats::F32(v) => Tensor::from_slice(v, shape, device)?,
        Floats::F64(v) => Tensor::from_slice(v, shape, device)?,
    })
}

/// N × 3 × 32 × 32 images, taking over the host values (no copy).
fn images(values: Floats) -> Result<Tensor> {
    let shape = (values.len() / IMAGE, CHANNELS, SIDE, SIDE);
    Ok(match values {
        Floats::F32(v) => Tensor::from_vec(v, shape, &Device::Cpu)?,
        Floats::F64(v) => Tensor::from_vec(v, shape, &Device::Cpu)?,
    })
}

/// Indices as candle's u32 index type.
fn indices(values: &[i64], shape: &[usize]) -> Result<Tensor> {
    let values = values.iter().map(|&i| u32::try_from(i)).collect::<Result<Vec<u32>, _>>()?;
    Ok(Tensor::from_vec(values, shape, &Device::Cpu)?)
}

impl CandleModel {
    fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let x = self.conv1.forward(x)?.relu()?.apply_op1(MaxPool2x2)?;
        let x = self.conv2.forward(&x)?.relu()?.apply_op1(MaxPool2x2)?;
        // NCHW flattened: feature c·64 + h·8 + w, as fc1's weights expect.
        let x = self.fc1.forward(&x.flatten_from(1)?)?.relu()?;
        Ok(self.fc2.forward(&x)?)
    }
}

/// The settings of candle-nn's AdamW for the spec's Adam.
fn adamw_params(adam: &Adam) -> ParamsAdamW {
    ParamsAdamW {
        lr: adam.learning_rate,
        beta1: adam.beta1,
        beta2: adam.beta2,
        eps: adam.eps,
        // Passed explicitly: candle's default is 0.01 (decoupled decay), which is not Adam.
        weight_decay: adam.weight_decay,
    }
}

impl Engine for CandleEngine {
    type Data = CandleData;
    type Model = CandleModel;

    fn start(threads: usize) -> Result<CandleEngine> {
        check_candle_threads(threads)?;
        Ok(CandleEngine)
    }

    fn load(&self, set: HostSet) -> Result<CandleData> {
        let (n, steps) = (set.len(), set.steps());
        Ok(CandleData {
            images: images(set.images)?,
            labels: indices(&set.labels, &[n])?,
            batches: indices(&set.batches, &[steps, set.batch_size])?,
            test_images: set.test_images.map(|test| images(Floats::F32(test))).transpose()?,
        })
    }

    fn build(&self, init: &Weights, adam: &Adam) -> Result<CandleModel> {
        let init: Vec<Tensor> =
            init.iter().map(|(p, values)| tensor(values, p.shape)).collect::<Result<_>>()?;
        let vars: Vec<Var> = init.iter().map(Var::from_tensor).collect::<candle_core::Result<_>>()?;
        let t = |i: usize| vars[i].as_tensor().clone();
        let padding_1 = Conv2dConfig { padding: 1, stride: 1, dilation: 1, groups: 1, cudnn_fwd_algo: None };
        let optimizer = AdamW::new(vars.clone(), adamw_params(adam))?;
        Ok(CandleModel {
            conv1: Conv2d::new(t(0), Some(t(1)), padding_1),
            conv2: Conv2d::new(t(2), Some(t(3)), padding_1),
            fc1: Linear::new(t(4), Some(t(5))),
            fc2: Linear::new(t(6), Some(t(7))),
            vars,
            init,
            optimizer,
        })
    }

    fn reset(&self, model: &mut CandleModel) -> Result<()> {
        for (var, init) in model.vars.iter().zip(&model.init) {
            var.set(init)?;
        }
        // A new optimizer: zero moments and step count, the same settings.
        let params = model.optimizer.params().clone();
        model.optimizer = AdamW::new(model.vars.clone(), params)?;
        Ok(())
    }

    fn step(&self, model: &mut CandleModel, data: &CandleData, step: usize) -> Result<f64> {
        let batch = data.batches.get(step)?;
        let x = data.images.index_select(&batch, 0)?;
        let y = data.labels.index_select(&batch, 0)?;
        let loss = candle_nn::loss::cross_entropy(&model.forward(&x)?, &y)?;
        model.optimizer.backward_step(&loss)?;
        Ok(loss.to_dtype(DType::F64)?.to_scalar::<f64>()?)
    }

    fn parameters(&self, model: &CandleModel) -> Result<Floats> {
        let flat = Tensor::cat(
            &model.vars.iter().map(|v| v.flatten_all()).collect::<candle_core::Result<Vec<_>>>()?,
            0,
        )?;
        Ok(match flat.dtype() {
            DType::F32 => Floats::F32(flat.to_vec1()?),
            DType::F64 => Floats::F64(flat.to_vec1()?),
            other => bail!("the parameters are {other:?}"),
        })
    }

    fn logits(&self, model: &CandleModel, data: &CandleData, start: usize, len: usize) -> Result<Vec<f32>> {
        let test = data.test_images.as_ref().context("this data set has no test images")?;
        let logits = model.forward(&test.narrow(0, start, len)?)?.detach();
        if logits.dims() != [len, CLASSES] {
            bail!("the network gave logits of shape {:?}, expected [{len}, {CLASSES}]", logits.dims());
        }
        Ok(logits.to_dtype(DType::F32)?.flatten_all()?.to_vec1()?)
    }

    fn report(&self, model: &CandleModel) -> Result<EngineReport> {
        let params = model.optimizer.params();
        Ok(EngineReport {
            framework: "candle-nn",
            libraries: Vec::new(),
            compute: Compute::RayonPool,
            dtype: dtype_name(model.vars[0].dtype()),
            adam: Adam {
                learning_rate: params.lr,
                beta1: params.beta1,
                beta2: params.beta2,
                eps: params.eps,
                weight_decay: params.weight_decay,
            },
            settings: json!({
                "matmul_parallelism (candle_core::utils::get_num_threads)": candle_core::utils::get_num_threads(),
                "device": "cpu",
                "optimizer": "candle_nn::optim::AdamW (weight_decay 0: Adam)",
                "layers": "candle_nn::Conv2d (padding 1), candle_nn::Linear",
                "max_pool": "own 2x2 stride-2 max pool; the first maximum of a window takes its gradient, as PyTorch",
                "loss": "candle_nn::loss::cross_entropy (mean over the batch)",
                "parameters": PARAMETERS.iter().map(|p| p.role).collect::<Vec<_>>(),
            }),
            native: None,
            notes: Vec::new(),
        })
    }
}

fn dtype_name(dtype: DType) -> &'static str {
    match dtype {
        DType::F32 => "f32",
        DType::F64 => "f64",
        _ => "other",
    }
}

// ---------------------------------------------------------------------------
// The max pool

/// 2×2 max pooling with stride 2 on NCHW (even H and W), whose gradient goes
/// to the first maximum of each window in row-major order, as PyTorch's CPU
/// kernel (`val > max || isnan(val)`) chooses it.
pub struct MaxPool2x2;

/// The gradient of [`MaxPool2x2`]: the input (arg 1) and the output gradient (arg 2) give the
/// input gradient.
struct MaxPool2x2Grad;

/// The dimensions of a contiguous NCHW layout with even H and W.
fn pool_dims(layout: &Layout) -> candle_core::Result<(usize, usize, usize, usize)> {
    let dims = layout.shape().dims4()?;
    if dims.2 % 2 != 0 || dims.3 % 2 != 0 || !layout.is_contiguous() {
        candle_core::bail!("2x2 max pool: a contiguous NCHW input with even H and W, got {dims:?}");
    }
    Ok(dims)
}

/// Each 2×2 window's position (in the input) of its first maximum, in row-major window order.
fn window_argmax<T: WithDType>(
    input: &[T],
    (n, c, h, w): (usize, usize, usize, usize),
) -> impl Iterator<Item = usize> + '_ {
    let (oh, ow) = (h / 2, w / 2);
    (0..n * c).flat_map(move |plane| {
        (0..oh).flat_map(move |i| {
            (0..ow).map(move |j| {
                let top = plane * h * w + 2 * i * w + 2 * j;
                let mut best = top;
                for at in [top + 1, top + w, top + w + 1] {
                    let (value, max) = (input[at], input[best]);
                    // NaN is never greater, but PyTorch lets it win (and keep winning).
                    if value > max || value.partial_cmp(&value).is_none() {
                        best = at;
                    }
                }
                best
            })
        })
    })
}

fn max_pool<T: WithDType>(input: &[T], dims: (usize, usize, usize, usize)) -> Vec<T> {
    window_argmax(input, dims).map(|at| input[at]).collect()
}

fn max_pool_grad<T: WithDType>(input: &[T], grad: &[T], dims: (usize, usize, usize, usize)) -> Vec<T> {
    let mut out = vec![T::from_f64(0.0); input.len()];
    for (at, &g) in window_argmax(input, dims).zip(grad) {
        out[at] = g;
    }
    out
}

impl candle_core::CustomOp1 for MaxPool2x2 {
    fn name(&self) -> &'static str {
        "max-pool-2x2"
    }

    fn cpu_fwd(&self, storage: &CpuStorage, layout: &Layout) -> candle_core::Result<(CpuStorage, Shape)> {
        let dims = pool_dims(layout)?;
        let (start, end) = layout.contiguous_offsets().expect("checked contiguous");
        let out = match storage {
            CpuStorage::F32(v) => CpuStorage::F32(max_pool(&v[start..end], dims)),
            CpuStorage::F64(v) => CpuStorage::F64(max_pool(&v[start..end], dims)),
            other => candle_core::bail!("2x2 max pool: {:?} is not f32 or f64", other.dtype()),
        };
        Ok((out, Shape::from((dims.0, dims.1, dims.2 / 2, dims.3 / 2))))
    }

    fn bwd(&self, arg: &Tensor, _res: &Tensor, grad_res: &Tensor) -> candle_core::Result<Option<Tensor>> {
        Ok(Some(arg.apply_op2_no_bwd(&grad_res.contiguous()?, &MaxPool2x2Grad)?))
    }
}

impl candle_core::CustomOp2 for MaxPool2x2Grad {
    fn name(&self) -> &'static str {
        "max-pool-2x2-grad"
    }

    fn cpu_fwd(
        &self,
        input: &CpuStorage,
        input_layout: &Layout,
        grad: &CpuStorage,
        grad_layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let dims = pool_dims(input_layout)?;
        let (start, end) = input_layout.contiguous_offsets().expect("checked contiguous");
        let Some((g_start, g_end)) = grad_layout.contiguous_offsets() else {
            candle_core::bail!("2x2 max pool gradient: the output gradient is not contiguous")
        };
        if g_end - g_start != (end - start) / 4 {
            candle_core::bail!(
                "2x2 max pool gradient: {} gradients for {} inputs",
                g_end - g_start,
                end - start
            );
        }
        let out = match (input, grad) {
            (CpuStorage::F32(x), CpuStorage::F32(g)) => {
                CpuStorage::F32(max_pool_grad(&x[start..end], &g[g_start..g_end], dims))
            }
            (CpuStorage::F64(x), CpuStorage::F64(g)) => {
                CpuStorage::F64(max_pool_grad(&x[start..end], &g[g_start..g_end], dims))
            }
            _ => candle_core::bail!("2x2 max pool gradient: input and gradient must be both f32 or both f64"),
        };
        Ok((out, input_layout.shape().clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One 1 × 1 × 4 × 4 plane: windows with a single maximum, a tie, and a NaN.
    fn plane() -> Tensor {
        #[rustfmt::skip]
        let values = [
            1.0f32, 5.0, 2.0, 2.0,
            3.0, 4.0, 2.0, 2.0,
            0.0, 0.0, f32::NAN, 9.0,
            0.0, -1.0, 1.0, 1.0,
        ];
        Tensor::from_slice(&values, (1, 1, 4, 4), &Device::Cpu).unwrap()
    }

    #[test]
    fn max_pool_keeps_each_window_maximum() {
        let out = plane().apply_op1(MaxPool2x2).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert_eq!(out[..3], [5.0, 2.0, 0.0]);
        assert!(out[3].is_nan());
        // candle's own max pool agrees on the values.
        let candle = plane().max_pool2d(2).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert_eq!(candle[..3], out[..3]);
    }

    #[test]
    fn the_first_maximum_takes_the_whole_gradient() {
        let x = Var::from_tensor(&plane()).unwrap();
        let weights = Tensor::from_slice(&[1.0f32, 10.0, 100.0, 1000.0], (1, 1, 2, 2), &Device::Cpu).unwrap();
        let y = x.apply_op1(MaxPool2x2).unwrap();
        // Zero out the NaN window's value but keep its gradient path: y·w summed, NaN replaced.
        let loss = (y.eq(&y).unwrap().where_cond(&y, &y.zeros_like().unwrap()).unwrap() * &weights)
            .unwrap()
            .sum_all()
            .unwrap();
        let grads = loss.backward().unwrap();
        let grad = grads.get(&x).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        #[rustfmt::skip]
        let expected = [
            0.0, 1.0, 10.0, 0.0,
            0.0, 0.0, 0.0, 0.0,
            100.0, 0.0, 0.0, 0.0,
            0.0, 0.0, 0.0, 0.0,
        ];
        // The NaN window: where_cond passes no gradient to a NaN, so the NaN position gets 0 here.
        assert_eq!(grad, expected);
    }

    #[test]
    fn candles_own_max_pool_gradient_is_not_pytorchs() {
        // Why this row has a max pool of its own: one window, a single maximum, output gradient 1.
        let x = Var::from_tensor(
            &Tensor::from_slice(&[1.0f32, 5.0, 3.0, 4.0], (1, 1, 2, 2), &Device::Cpu).unwrap(),
        )
        .unwrap();
        let grads = x.max_pool2d(2).unwrap().sum_all().unwrap().backward().unwrap();
        let candle = grads.get(&x).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert_ne!(candle, [0.0, 1.0, 0.0, 0.0], "candle's max-pool gradient was fixed: drop MaxPool2x2");
        let grads = x.apply_op1(MaxPool2x2).unwrap().sum_all().unwrap().backward().unwrap();
        let ours = grads.get(&x).unwrap().flatten_all().unwrap().to_vec1::<f32>().unwrap();
        assert_eq!(ours, [0.0, 1.0, 0.0, 0.0]);
    }
}
