//! `rust/tch`: task `cnn-cifar10` in libtorch through tch, op for op as the
//! Python reference (`python/torch`) computes it, so that the two agree to the
//! last bit where libtorch's kernels do.
//!
//! - The network: `conv2d` (stride 1, padding 1), `relu`, `max_pool2d` (2×2,
//!   stride 2), `flatten(1)`, `linear` — the ATen ops `torch.nn.Conv2d`,
//!   `F.relu`, `F.max_pool2d`, `torch.nn.Linear` call.
//! - The loss: ATen's `cross_entropy_loss` (mean, no weights, ignore_index −100,
//!   no label smoothing), which `F.cross_entropy` calls; tch's
//!   `cross_entropy_for_logits` would take the log-softmax in f32 whatever the
//!   tensors' kind, which breaks the f64 check.
//! - The gradients: `torch::autograd::grad` on the eight parameters
//!   ([`Tensor::f_run_backward`]): fresh gradients each step, as
//!   `zero_grad(set_to_none=True)` and `backward()` give them.
//! - Adam: tch has no `torch.optim.Adam`, so [`TchModel::adam_update`] spells
//!   out PyTorch's single-tensor update (`_single_tensor_adam`, what
//!   `torch.optim.Adam` runs on the CPU), its scalars computed in f64 as Python
//!   computes them.
//!
//! libtorch is started as gpt2-generate's tch row starts it ([`Libtorch`]:
//! `threads` intra-op threads, one inter-op thread, read back).

use anyhow::{Context, Result, bail};
use equibench_runner::protocol::Spec;
use equibench_runner::task::Task;
use equibench_runner::tasks::cnn_cifar10::{
    self, Adam, CLASSES, Engine, EngineReport, Floats, HostSet, PARAMETERS, Weights,
};
use serde_json::json;
use tch::{Kind, Reduction, Tensor};

use crate::gpt2_tch::Libtorch;

/// `rust/tch`.
pub fn rust_tch(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    cnn_cifar10::create::<TchEngine>(spec)
}

pub struct TchEngine {
    libtorch: Libtorch,
}

/// A data set's tensors.
pub struct TchData {
    /// N × 3 × 32 × 32.
    images: Tensor,
    /// int64, one per image.
    labels: Tensor,
    /// int64, steps × batch_size.
    batches: Tensor,
    test_images: Option<Tensor>,
}

pub struct TchModel {
    /// Leaves requiring gradients, in [`PARAMETERS`]' order.
    params: Vec<Tensor>,
    init: Vec<Tensor>,
    /// Adam's state, as torch.optim.Adam keeps it per parameter.
    exp_avg: Vec<Tensor>,
    exp_avg_sq: Vec<Tensor>,
    /// Steps taken (torch keeps it in a float tensor and reads it back as a Python float).
    step: f64,
    adam: Adam,
}

/// A tensor of `values`, in their precision, in `shape`.
fn tensor(values: &Floats, shape: &[usize]) -> Result<Tensor> {
    let flat = match values {
        Floats::F32(v) => Tensor::f_from_slice(v)?,
        Floats::F64(v) => Tensor::f_from_slice(v)?,
    };
    let shape: Vec<i64> = shape.iter().map(|&d| d as i64).collect();
    Ok(flat.f_reshape(shape)?)
}

fn images(values: &Floats) -> Result<Tensor> {
    tensor(values, &[values.len() / cnn_cifar10::cifar::IMAGE, 3, 32, 32])
}

/// The network's logits for `x` (N × 3 × 32 × 32).
fn forward(p: &[Tensor], x: &Tensor) -> Result<Tensor> {
    let conv = |x: &Tensor, w: &Tensor, b: &Tensor| x.f_conv2d(w, Some(b), [1, 1], [1, 1], [1, 1], 1);
    // F.max_pool2d(x, 2): stride defaults to the kernel size.
    let pool = |x: Tensor| x.f_max_pool2d([2, 2], [2, 2], [0, 0], [1, 1], false);
    let x = pool(conv(x, &p[0], &p[1])?.f_relu()?)?;
    let x = pool(conv(&x, &p[2], &p[3])?.f_relu()?)?;
    let x = x.f_flatten(1, -1)?.f_linear(&p[4], Some(&p[5]))?.f_relu()?;
    Ok(x.f_linear(&p[6], Some(&p[7]))?)
}

impl TchModel {
    /// torch.optim.Adam's update of every parameter (torch/optim/adam.py, `_single_tensor_adam`
    /// with amsgrad, maximize, weight decay, capturable and differentiable off), under no_grad:
    ///
    /// ```text
    /// exp_avg.lerp_(grad, 1 - beta1)
    /// exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    /// bias_correction1 = 1 - beta1 ** step;  bias_correction2 = 1 - beta2 ** step
    /// step_size = lr / bias_correction1;  bias_correction2_sqrt = bias_correction2 ** 0.5
    /// denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
    /// param.addcdiv_(exp_avg, denom, value=-step_size)
    /// ```
    ///
    /// tch's `addcmul_` and `addcdiv_` have no `value`: ATen computes `self + (value · t1) · t2`
    /// and `self + (value · t1) / t2`, the product `value · t1` rounded to the tensor's type
    /// first, so `t1` is scaled by a `mul` first — the same roundings, in the same order.
    fn adam_update(&mut self, grads: &[Tensor]) -> Result<()> {
        let Adam { learning_rate: lr, beta1, beta2, eps, weight_decay } = self.adam;
        // Plain Adam: torch skips the decay term when it is 0 (checked in Params).
        debug_assert_eq!(weight_decay, 0.0);
        self.step += 1.0;
        // Python floats: f64, `**` as C's pow.
        let bias_correction1 = 1.0 - beta1.powf(self.step);
        let bias_correction2 = 1.0 - beta2.powf(self.step);
        let step_size = lr / bias_correction1;
        let bias_correction2_sqrt = bias_correction2.powf(0.5);
        let _no_grad = tch::no_grad_guard();
        let state = self.exp_avg.iter_mut().zip(self.exp_avg_sq.iter_mut());
        // The in-place ops return another handle on the tensor they updated: dropped.
        for ((param, grad), (exp_avg, exp_avg_sq)) in self.params.iter_mut().zip(grads).zip(state) {
            let _ = exp_avg.f_lerp_(grad, 1.0 - beta1)?;
            let _ = exp_avg_sq.f_mul_scalar_(beta2)?.f_addcmul_(&grad.f_mul_scalar(1.0 - beta2)?, grad)?;
            let denom = exp_avg_sq.f_sqrt()?.f_div_scalar(bias_correction2_sqrt)?.f_add_scalar_(eps)?;
            let _ = param.f_addcdiv_(&exp_avg.f_mul_scalar(-step_size)?, &denom)?;
        }
        Ok(())
    }
}

impl Engine for TchEngine {
    type Data = TchData;
    type Model = TchModel;

    fn start(threads: usize) -> Result<TchEngine> {
        Ok(TchEngine { libtorch: Libtorch::start(threads)? })
    }

    fn load(&self, set: HostSet) -> Result<TchData> {
        let steps = set.steps() as i64;
        Ok(TchData {
            images: images(&set.images)?,
            labels: Tensor::f_from_slice(&set.labels)?,
            batches: Tensor::f_from_slice(&set.batches)?.f_reshape([steps, set.batch_size as i64])?,
            test_images: set.test_images.map(|test| images(&Floats::F32(test))).transpose()?,
        })
    }

    fn build(&self, init: &Weights, adam: &Adam) -> Result<TchModel> {
        let init: Vec<Tensor> =
            init.iter().map(|(p, values)| tensor(values, p.shape)).collect::<Result<_>>()?;
        let params =
            init.iter().map(|t| t.f_detach_copy()?.f_set_requires_grad(true)).collect::<Result<_, _>>()?;
        let zeros = || init.iter().map(Tensor::f_zeros_like).collect::<Result<Vec<_>, _>>();
        Ok(TchModel { params, exp_avg: zeros()?, exp_avg_sq: zeros()?, init, step: 0.0, adam: *adam })
    }

    fn reset(&self, model: &mut TchModel) -> Result<()> {
        let _no_grad = tch::no_grad_guard();
        for (param, init) in model.params.iter_mut().zip(&model.init) {
            param.f_copy_(init)?;
        }
        for state in model.exp_avg.iter_mut().chain(model.exp_avg_sq.iter_mut()) {
            let _ = state.f_zero_()?;
        }
        model.step = 0.0;
        Ok(())
    }

    fn step(&self, model: &mut TchModel, data: &TchData, step: usize) -> Result<f64> {
        let batch = data.batches.f_get(step as i64)?;
        let x = data.images.f_index_select(0, &batch)?;
        let y = data.labels.f_index_select(0, &batch)?;
        let loss = forward(&model.params, &x)?.f_cross_entropy_loss::<Tensor>(
            &y,
            None,
            Reduction::Mean,
            -100,
            0.0,
        )?;
        let grads = Tensor::f_run_backward(&[&loss], &model.params, false, false)?;
        model.adam_update(&grads)?;
        Ok(loss.f_double_value(&[])?)
    }

    fn parameters(&self, model: &TchModel) -> Result<Floats> {
        let flat = Tensor::f_cat(
            &model.params.iter().map(|p| p.f_reshape([-1])).collect::<Result<Vec<_>, _>>()?,
            0,
        )?;
        let n = flat.numel();
        Ok(match flat.f_kind()? {
            Kind::Float => {
                let mut values = vec![0f32; n];
                flat.f_copy_data(&mut values, n)?;
                Floats::F32(values)
            }
            Kind::Double => {
                let mut values = vec![0f64; n];
                flat.f_copy_data(&mut values, n)?;
                Floats::F64(values)
            }
            other => bail!("the parameters are {other:?}"),
        })
    }

    fn logits(&self, model: &TchModel, data: &TchData, start: usize, len: usize) -> Result<Vec<f32>> {
        let _no_grad = tch::no_grad_guard();
        let test = data.test_images.as_ref().context("this data set has no test images")?;
        let logits = forward(&model.params, &test.f_narrow(0, start as i64, len as i64)?)?;
        if logits.size() != [len as i64, CLASSES as i64] || logits.f_kind()? != Kind::Float {
            bail!(
                "the network gave {:?} logits {:?}, expected Float [{len}, {CLASSES}]",
                logits.kind(),
                logits.size()
            );
        }
        let mut values = vec![0f32; len * CLASSES];
        logits.f_contiguous()?.f_copy_data(&mut values, len * CLASSES)?;
        Ok(values)
    }

    fn report(&self, model: &TchModel) -> Result<EngineReport> {
        let libtorch = &self.libtorch;
        let mut settings = libtorch.settings();
        settings["grad"] = "torch::autograd::grad on the parameters each step; no_grad for the update".into();
        settings["module"] = "none: the network is ATen ops on the parameter tensors".into();
        settings["optimizer"] =
            "torch.optim.Adam's single-tensor update, op for op (tch has no optimizer of it)".into();
        settings["loss"] = "at::cross_entropy_loss (mean, ignore_index -100, label_smoothing 0)".into();
        settings["parameters"] = json!(PARAMETERS.iter().map(|p| p.role).collect::<Vec<_>>());
        Ok(EngineReport {
            framework: "tch",
            libraries: libtorch.libraries(),
            compute: libtorch.compute()?,
            dtype: match model.params[0].f_kind()? {
                Kind::Float => "f32",
                Kind::Double => "f64",
                _ => "other",
            },
            // The update's own settings: there is no library optimizer to read back.
            adam: model.adam,
            settings,
            native: libtorch.native(),
            notes: libtorch.notes(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The update against torch.optim.Adam's formula, evaluated here in f64 for one value.
    #[test]
    fn adam_update_is_torchs() {
        let adam = Adam { learning_rate: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 };
        let param = Tensor::from_slice(&[1.0f64, -2.0]).set_requires_grad(true);
        let mut model = TchModel {
            init: vec![param.detach().copy()],
            exp_avg: vec![param.zeros_like()],
            exp_avg_sq: vec![param.zeros_like()],
            params: vec![param],
            step: 0.0,
            adam,
        };
        let (g1, g2) = ([0.5f64, -3.0], [0.25f64, 1.0]);
        model.adam_update(&[Tensor::from_slice(&g1)]).unwrap();
        model.adam_update(&[Tensor::from_slice(&g2)]).unwrap();
        let mut got = [0f64; 2];
        model.params[0].copy_data(&mut got, 2);
        for i in 0..2 {
            let theta = adam.textbook([1.0, -2.0][i], &[g1[i], g2[i]]);
            assert!((got[i] - theta).abs() < 1e-15, "{i}: {} vs {theta}", got[i]);
        }
    }
}
