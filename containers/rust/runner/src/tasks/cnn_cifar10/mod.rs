//! Task `cnn-cifar10` (PROTOCOL.md): a small CNN (two 3×3 convolutions with
//! ReLU and 2×2 max pooling, two linear layers) trained with Adam on CIFAR-10
//! from the harness's initial weights, in the harness's batch order, in f32;
//! then the first `f64_steps` steps again in f64 (phase `check_f64`).
//!
//! What every Rust row shares lives here, once: the params, the CIFAR-10 reader
//! and the normalization (`cifar`), the initial weights, the batches, the
//! phases with their timing, and the outputs. A row is an [`Engine`]: how a
//! library holds a data set, builds the network with its optimizer, runs one
//! training step, reads the parameters back and computes logits. Every engine
//! computes in the precision of the host arrays it is handed ([`Floats`]), so
//! the f32 run and the f64 check run one code path.
//!
//! - `rust/candle` (`candle_row`): candle-nn's `Conv2d`, `Linear`,
//!   `cross_entropy` and `AdamW` (weight decay 0), with a max pool of its own
//!   (candle's max-pool gradient is not PyTorch's).
//! - `rust/tch` lives in `equibench-runner-tch` (`cnn_tch.rs`), `rust/burn` in
//!   `equibench-runner-burn`, both on this module.

mod candle_row;
pub mod cifar;

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use ndarray::{Array1, Array2};
use serde_json::Value;

use crate::data::{self, OutputArray};
use crate::protocol::Spec;
use crate::task::{Compute, NativeLibrary, Report, Task};
use crate::tasks::gpt2_generate::file_name;
use crate::tasks::shared::{accuracy, argmax};
use cifar::{CHANNELS, IMAGE, Normalizer, Records};

pub use candle_row::CandleEngine;

const TRAIN_FILES: [&str; 5] =
    ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5"];
const PARAMS: &[&str] = &[
    "n_train",
    "n_test",
    "batch_size",
    "steps",
    "f64_steps",
    "learning_rate",
    "beta1",
    "beta2",
    "eps",
    "weight_decay",
];
/// The spec's phases in their order, and `check_f64`, which the spec never lists: the core runs it once, untimed.
const PHASES: &[&str] = &["load", "build", "train", "evaluate", "check_f64"];
const OUTPUTS: &[&str] =
    &["step1_loss", "early_losses", "step1_params", "test_pred", "train_step_ns", "f64_losses", "f64_params"];
/// `early_losses` has the losses of the first steps, up to this many.
const EARLY_STEPS: usize = 50;
/// `final_loss` is the mean loss of the last steps, up to this many.
const FINAL_STEPS: usize = 10;
/// The network's classes (fc2's outputs).
pub const CLASSES: usize = 10;

/// A parameter of the network, under PyTorch's name, in PyTorch's layout.
pub struct Parameter {
    /// The input role of its initial weights (`conv1_weight`).
    pub role: &'static str,
    pub shape: &'static [usize],
}

impl Parameter {
    /// Its number of elements.
    pub const fn numel(&self) -> usize {
        let mut numel = 1;
        let mut d = 0;
        while d < self.shape.len() {
            numel *= self.shape[d];
            d += 1;
        }
        numel
    }
}

/// Every parameter, in the contract's order: that of the flattened `*_params` outputs.
pub const PARAMETERS: [Parameter; 8] = [
    Parameter { role: "conv1_weight", shape: &[32, 3, 3, 3] },
    Parameter { role: "conv1_bias", shape: &[32] },
    Parameter { role: "conv2_weight", shape: &[64, 32, 3, 3] },
    Parameter { role: "conv2_bias", shape: &[64] },
    Parameter { role: "fc1_weight", shape: &[512, 4096] },
    Parameter { role: "fc1_bias", shape: &[512] },
    Parameter { role: "fc2_weight", shape: &[10, 512] },
    Parameter { role: "fc2_bias", shape: &[10] },
];
/// The network's parameter count (2,122,186).
pub const PARAMETER_COUNT: usize = {
    let mut total = 0;
    let mut i = 0;
    while i < PARAMETERS.len() {
        total += PARAMETERS[i].numel();
        i += 1;
    }
    total
};

/// The task's params.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    pub n_train: usize,
    pub n_test: usize,
    pub batch_size: usize,
    pub steps: usize,
    pub f64_steps: usize,
    pub adam: Adam,
}

impl Params {
    pub fn from_spec(spec: &Spec) -> Result<Params> {
        spec.check_param_names(PARAMS)?;
        let params = Params {
            n_train: spec.param_usize("n_train")?,
            n_test: spec.param_usize("n_test")?,
            batch_size: spec.param_usize("batch_size")?,
            steps: spec.param_usize("steps")?,
            f64_steps: spec.param_usize("f64_steps")?,
            adam: Adam {
                learning_rate: spec.param_positive_f64("learning_rate")?,
                beta1: spec.param_f64("beta1")?,
                beta2: spec.param_f64("beta2")?,
                eps: spec.param_positive_f64("eps")?,
                weight_decay: spec.param_f64("weight_decay")?,
            },
        };
        params.check()?;
        Ok(params)
    }

    fn check(&self) -> Result<()> {
        if self.f64_steps > self.steps {
            bail!("spec params.f64_steps ({}) must not exceed params.steps ({})", self.f64_steps, self.steps);
        }
        let Adam { beta1, beta2, weight_decay, .. } = self.adam;
        if !(0.0..1.0).contains(&beta1) || !(0.0..1.0).contains(&beta2) {
            bail!("spec params.beta1 ({beta1}) and params.beta2 ({beta2}) must lie in [0, 1)");
        }
        // Plain Adam: a library's decoupled or L2 decay would compute something else.
        if weight_decay != 0.0 {
            bail!("spec params.weight_decay must be 0 (plain Adam), got {weight_decay}");
        }
        Ok(())
    }
}

/// Adam's settings (torch.optim.Adam's, no AMSGrad, not maximizing): from the
/// spec, and as a row reads them back from its library's optimizer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Adam {
    pub learning_rate: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    pub weight_decay: f64,
}

impl Adam {
    /// torch.optim.Adam's formula for one value over `gradients` (no weight
    /// decay), evaluated plainly in f64: what the rows' own updates are tested against.
    pub fn textbook(&self, mut theta: f64, gradients: &[f64]) -> f64 {
        let (mut m, mut v) = (0.0f64, 0.0f64);
        for (t, g) in (1..).zip(gradients) {
            m = self.beta1 * m + (1.0 - self.beta1) * g;
            v = self.beta2 * v + (1.0 - self.beta2) * g * g;
            let (c1, c2) = (1.0 - self.beta1.powi(t), 1.0 - self.beta2.powi(t));
            theta -= (self.learning_rate / c1) * m / (v.sqrt() / c2.sqrt() + self.eps);
        }
        theta
    }
}

/// The precision a run computes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precision {
    F32,
    F64,
}

/// Host values in the precision of the run they are for.
#[derive(Clone, Debug, PartialEq)]
pub enum Floats {
    F32(Vec<f32>),
    F64(Vec<f64>),
}

impl Floats {
    /// `values` rounded to `precision` (round to nearest, as NumPy's `astype`).
    pub fn round(values: &[f64], precision: Precision) -> Floats {
        match precision {
            Precision::F32 => Floats::F32(values.iter().map(|&x| x as f32).collect()),
            Precision::F64 => Floats::F64(values.to_vec()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Floats::F32(values) => values.len(),
            Floats::F64(values) => values.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn precision(&self) -> Precision {
        match self {
            Floats::F32(_) => Precision::F32,
            Floats::F64(_) => Precision::F64,
        }
    }
}

/// The initial value of every parameter, in [`PARAMETERS`]' order and PyTorch's layouts (C order).
pub struct Weights(pub Vec<Floats>);

impl Weights {
    pub fn precision(&self) -> Precision {
        self.0[0].precision()
    }

    /// Each parameter with its initial value.
    pub fn iter(&self) -> impl Iterator<Item = (&Parameter, &Floats)> {
        PARAMETERS.iter().zip(&self.0)
    }
}

/// A data set on the host, in the precision of its run: what [`Engine::load`] turns into tensors.
pub struct HostSet {
    /// The training images the batches index, NCHW (N × 3 × 32 × 32).
    pub images: Floats,
    /// One class per image.
    pub labels: Vec<i64>,
    /// `steps` × `batch_size` positions in `images`, row k the batch of step k + 1.
    pub batches: Vec<i64>,
    pub batch_size: usize,
    /// The test images, NCHW, for the timed run (the f64 check does not evaluate).
    pub test_images: Option<Vec<f32>>,
}

impl HostSet {
    pub fn precision(&self) -> Precision {
        self.images.precision()
    }

    /// The number of training images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    pub fn steps(&self) -> usize {
        self.batches.len() / self.batch_size
    }
}

/// What an engine reports for the manifest and `runtime`.
pub struct EngineReport {
    /// The crate doing the numerical work (`runtime.framework`).
    pub framework: &'static str,
    /// Versions beyond the runner library's locked dependencies (another binary's crates, a native library).
    pub libraries: Vec<(&'static str, String)>,
    pub compute: Compute,
    /// The element type of the trained parameters, read from them (`f32`).
    pub dtype: &'static str,
    /// Adam's settings as read back from the library's optimizer (or the row's own update).
    pub adam: Adam,
    /// The library's settings as set or read back (`runtime.hyperparameters`).
    pub settings: Value,
    pub native: Option<NativeLibrary>,
    pub notes: Vec<String>,
}

/// One library's way of training the network.
///
/// A model is the network's parameters, their initial values and the
/// optimizer's state, in the precision of the weights it was built from.
pub trait Engine: Sized {
    /// A data set's tensors: training images, labels, batches and (for the timed run) test images.
    type Data;
    /// The network, its initial weights and Adam's state.
    type Model;

    /// Sets the library up for `threads` compute threads, before the first phase.
    fn start(threads: usize) -> Result<Self>;

    /// The tensors of a data set: the library's part of `load`.
    fn load(&self, set: HostSet) -> Result<Self::Data>;

    /// The network with `init`'s weights and an Adam optimizer with `adam`'s settings, state at zero.
    fn build(&self, init: &Weights, adam: &Adam) -> Result<Self::Model>;

    /// Resets the parameters to the initial weights and Adam's state (moments and step count) to zero.
    fn reset(&self, model: &mut Self::Model) -> Result<()>;

    /// One training step on batch `step` (0-based) of `data`: gathers the batch, runs the
    /// network, the mean cross-entropy, the backward pass and Adam's update, and returns the
    /// loss read back as a number.
    fn step(&self, model: &mut Self::Model, data: &Self::Data, step: usize) -> Result<f64>;

    /// Every parameter, flattened in [`PARAMETERS`]' order (PyTorch layouts, C order).
    fn parameters(&self, model: &Self::Model) -> Result<Floats>;

    /// The logits of the test images `start .. start + len`, row-major (len × 10).
    fn logits(&self, model: &Self::Model, data: &Self::Data, start: usize, len: usize) -> Result<Vec<f32>>;

    fn report(&self, model: &Self::Model) -> Result<EngineReport>;
}

/// Task `cnn-cifar10` computed by engine `E` for `spec`: the constructor of every row.
pub fn create<E: Engine + 'static>(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    if spec.dtype != "f32" {
        bail!(
            "{} trains cnn-cifar10 in f32 (and checks in f64), spec asks for dtype '{}'",
            spec.implementation,
            spec.dtype
        );
    }
    if spec.device != "cpu" {
        bail!("{} runs on cpu only, spec asks for device '{}'", spec.implementation, spec.device);
    }
    let params = Params::from_spec(spec)?;
    let roles: Vec<&str> = TRAIN_FILES
        .iter()
        .copied()
        .chain(["test_batch", "channel_mean", "channel_std", "batches"])
        .chain(PARAMETERS.iter().map(|p| p.role))
        .collect();
    spec.check_input_roles(&roles)?;
    let engine = E::start(usize::try_from(spec.threads)?)?;
    Ok(Box::new(CnnCifar10 {
        spec,
        params,
        engine,
        host: None,
        data: None,
        model: None,
        outputs: Outputs::default(),
    }))
}

/// `rust/candle`.
pub fn rust_candle(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    create::<CandleEngine>(spec)
}

// ---------------------------------------------------------------------------
// Loading

/// What `load` reads, on the host: kept for `build` (the weights) and `check_f64` (the pixels).
pub struct Cifar {
    pub train: Records,
    pub test: Records,
    pub normalizer: Normalizer,
    /// `steps` × `batch_size` training-set indices.
    pub batches: Vec<i64>,
    /// The initial weights as given (f64).
    pub initial: Vec<Vec<f64>>,
}

impl Cifar {
    /// Reads and checks every input file.
    pub fn read(spec: &Spec, params: &Params) -> Result<Cifar> {
        let paths =
            TRAIN_FILES.iter().map(|role| spec.input(role, "cifar-bin")).collect::<Result<Vec<_>>>()?;
        let train = cifar::read_first(&paths, params.n_train, "n_train")?;
        let test = cifar::read_first(&[spec.input("test_batch", "cifar-bin")?], params.n_test, "n_test")?;
        let mean = read_channels(spec.input("channel_mean", "npy")?)?;
        let std_path = spec.input("channel_std", "npy")?;
        let std = read_channels(std_path)?;
        if std.iter().any(|&s| s.is_nan() || s <= 0.0) {
            bail!("{}: standard deviations must be positive, got {std:?}", file_name(std_path));
        }
        let batches = read_batches(spec.input("batches", "npy")?, params)?;
        let initial = PARAMETERS
            .iter()
            .map(|p| read_weight(spec.input(p.role, "npy")?, p))
            .collect::<Result<Vec<_>>>()?;
        Ok(Cifar { train, test, normalizer: Normalizer::new(&mean, &std), batches, initial })
    }

    /// The timed run's data: every training image and the test images, normalized and rounded to f32.
    pub fn f32_set(&self, batch_size: usize) -> HostSet {
        let to_f32 = |x: f64| x as f32;
        let images = |records: &Records| self.normalizer.apply(records.pixels.chunks_exact(IMAGE), to_f32);
        HostSet {
            images: Floats::F32(images(&self.train)),
            labels: self.train.labels.clone(),
            batches: self.batches.clone(),
            batch_size,
            test_images: Some(images(&self.test)),
        }
    }

    /// The f64 check's data: only the images its first `steps` batches use, normalized in f64,
    /// and the batches as positions among them.
    pub fn f64_set(&self, batch_size: usize, steps: usize) -> HostSet {
        let batches = &self.batches[..steps * batch_size];
        let mut used: Vec<i64> = batches.to_vec();
        used.sort_unstable();
        used.dedup();
        let position = |i: &i64| used.binary_search(i).expect("every batch index is among the used") as i64;
        let image = |&i: &i64| self.train.image(i as usize);
        HostSet {
            images: Floats::F64(self.normalizer.apply(used.iter().map(image), |x| x)),
            labels: used.iter().map(|&i| self.train.labels[i as usize]).collect(),
            batches: batches.iter().map(position).collect(),
            batch_size,
            test_images: None,
        }
    }

    /// The initial weights rounded to `precision`.
    pub fn weights(&self, precision: Precision) -> Weights {
        Weights(self.initial.iter().map(|values| Floats::round(values, precision)).collect())
    }
}

/// A `<f8` (3,) per-channel array.
fn read_channels(path: &Path) -> Result<[f64; CHANNELS]> {
    let values: Array1<f64> = data::read_npy(path)?;
    let values: [f64; CHANNELS] = values.as_slice().and_then(|v| v.try_into().ok()).with_context(|| {
        format!("{}: expected 3 values, one per channel, found {}", file_name(path), values.len())
    })?;
    if values.iter().any(|v| !v.is_finite()) {
        bail!("{}: not finite: {values:?}", file_name(path));
    }
    Ok(values)
}

/// The `<i8` (steps, batch_size) batch indices, each a training-set index.
fn read_batches(path: &Path, params: &Params) -> Result<Vec<i64>> {
    let batches: Array2<i64> = data::read_npy(path)?;
    if batches.dim() != (params.steps, params.batch_size) {
        bail!(
            "{}: shape {:?}, expected (steps, batch_size) = ({}, {})",
            file_name(path),
            batches.dim(),
            params.steps,
            params.batch_size
        );
    }
    if batches.iter().any(|&i| i < 0 || i >= params.n_train as i64) {
        bail!("{}: indices must lie in 0..{}", file_name(path), params.n_train - 1);
    }
    Ok(batches.into_iter().collect())
}

/// An initial weight, `<f8` in its parameter's shape, finite, flattened in C order.
fn read_weight(path: &Path, parameter: &Parameter) -> Result<Vec<f64>> {
    let array: ndarray::ArrayD<f64> = data::read_npy(path)?;
    if array.shape() != parameter.shape {
        // Worded as the core's check of a declared input (PROTOCOL.md, "Input validation").
        let tuple = |dims: &[usize]| data::python_tuple(dims.iter().map(usize::to_string));
        bail!(
            "{}: expected <f8 of shape {}, found <f8 of shape {}",
            file_name(path),
            tuple(&parameter.shape),
            tuple(array.shape())
        );
    }
    if array.iter().any(|v| !v.is_finite()) {
        bail!("{}: {} has a value that is not finite", file_name(path), parameter.role);
    }
    Ok(array.as_standard_layout().iter().copied().collect())
}

// ---------------------------------------------------------------------------
// The task

/// The outputs of the last runs of `train`, `evaluate` and `check_f64`.
#[derive(Default)]
struct Outputs {
    losses: Vec<f64>,
    step_ns: Vec<i64>,
    step1_params: Vec<f32>,
    test_pred: Vec<i64>,
    f64_losses: Vec<f64>,
    /// `f64_steps` × [`PARAMETER_COUNT`], row-major.
    f64_params: Vec<f64>,
}

struct CnnCifar10<'s, E: Engine> {
    spec: &'s Spec,
    params: Params,
    engine: E,
    host: Option<Cifar>,
    data: Option<E::Data>,
    model: Option<E::Model>,
    outputs: Outputs,
}

fn nanos(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
}

impl<E: Engine> CnnCifar10<'_, E> {
    /// `load`: reads the files and builds the f32 training and test tensors.
    fn load(&mut self) -> Result<()> {
        // The previous run's data goes first: two copies at once would inflate the peak RSS.
        (self.data, self.host) = (None, None);
        let host = Cifar::read(self.spec, &self.params)?;
        self.data = Some(self.engine.load(host.f32_set(self.params.batch_size))?);
        self.host = Some(host);
        Ok(())
    }

    /// `build`: the network with the initial weights rounded to f32, and the optimizer.
    fn build(&mut self) -> Result<()> {
        self.model = None;
        let host = self.host.as_ref().expect("the core runs load first");
        self.model = Some(self.engine.build(&host.weights(Precision::F32), &self.params.adam)?);
        Ok(())
    }

    /// `train`: from the initial weights and a zero optimizer state, `steps` steps, each timed alone.
    fn train(&mut self) -> Result<()> {
        let (engine, outputs) = (&self.engine, &mut self.outputs);
        let model = self.model.as_mut().expect("the core runs build first");
        let data = self.data.as_ref().expect("the core runs load first");
        engine.reset(model)?;
        let steps = self.params.steps;
        outputs.losses.clear();
        outputs.step_ns.clear();
        outputs.losses.reserve(steps);
        outputs.step_ns.reserve(steps);
        for step in 0..steps {
            let start = Instant::now();
            let loss = engine.step(model, data, step)?;
            outputs.step_ns.push(nanos(start.elapsed()));
            outputs.losses.push(loss);
            if step == 0 {
                outputs.step1_params = match engine.parameters(model)? {
                    Floats::F32(values) => values,
                    Floats::F64(_) => bail!("the f32 run's parameters came back as f64"),
                };
            }
        }
        Ok(())
    }

    /// `evaluate`: the class of every test image, in batches of `batch_size`.
    fn evaluate(&mut self) -> Result<()> {
        let model = self.model.as_ref().expect("the core runs build first");
        let data = self.data.as_ref().expect("the core runs load first");
        let (n, batch) = (self.params.n_test, self.params.batch_size);
        let pred = &mut self.outputs.test_pred;
        pred.clear();
        for start in (0..n).step_by(batch) {
            let len = batch.min(n - start);
            let logits = self.engine.logits(model, data, start, len)?;
            if logits.len() != len * CLASSES {
                bail!("{} logits for {len} images, expected {}", logits.len(), len * CLASSES);
            }
            // The first maximum: a tie goes to the lowest class, as torch.argmax.
            pred.extend(
                logits.chunks_exact(CLASSES).map(|row| argmax(row.iter().map(|&x| f64::from(x))) as i64),
            );
        }
        Ok(())
    }

    /// `check_f64`: the first `f64_steps` steps again in f64, every parameter kept after each.
    fn check_f64(&mut self) -> Result<()> {
        let host = self.host.as_ref().expect("the core runs load first");
        let steps = self.params.f64_steps;
        let data = self.engine.load(host.f64_set(self.params.batch_size, steps))?;
        let mut model = self.engine.build(&host.weights(Precision::F64), &self.params.adam)?;
        let outputs = &mut self.outputs;
        outputs.f64_losses.clear();
        outputs.f64_params.clear();
        outputs.f64_params.reserve(steps * PARAMETER_COUNT);
        for step in 0..steps {
            outputs.f64_losses.push(self.engine.step(&mut model, &data, step)?);
            match self.engine.parameters(&model)? {
                Floats::F64(values) => outputs.f64_params.extend_from_slice(&values),
                Floats::F32(_) => bail!("the f64 check's parameters came back as f32"),
            }
        }
        Ok(())
    }
}

impl<E: Engine> Task for CnnCifar10<'_, E> {
    fn phases(&self) -> &'static [&'static str] {
        PHASES
    }

    fn outputs(&self) -> &'static [&'static str] {
        OUTPUTS
    }

    fn run_phase(&mut self, name: &str) -> Result<()> {
        match name {
            "load" => self.load(),
            "build" => self.build(),
            "train" => self.train(),
            "evaluate" => self.evaluate(),
            "check_f64" => self.check_f64(),
            other => unreachable!("cnn-cifar10 has no phase '{other}'"),
        }
    }

    fn ops_per_sample(&self, name: &str) -> u64 {
        match name {
            "train" => self.params.steps as u64,
            _ => 1,
        }
    }

    fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        let outputs = &self.outputs;
        let vector = |values: &[f64]| OutputArray::F64Vector(Array1::from(values.to_vec()));
        Ok(match phase {
            "train" => {
                let losses = &outputs.losses;
                vec![
                    ("step1_loss", vector(&losses[..losses.len().min(1)])),
                    ("early_losses", vector(&losses[..losses.len().min(EARLY_STEPS)])),
                    ("step1_params", OutputArray::F32Vector(Array1::from(outputs.step1_params.clone()))),
                    ("train_step_ns", OutputArray::I64Vector(Array1::from(outputs.step_ns.clone()))),
                ]
            }
            "evaluate" => {
                vec![("test_pred", OutputArray::I64Vector(Array1::from(outputs.test_pred.clone())))]
            }
            "check_f64" => {
                let rows = outputs.f64_losses.len();
                let params = Array2::from_shape_vec((rows, PARAMETER_COUNT), outputs.f64_params.clone())?;
                vec![
                    ("f64_losses", vector(&outputs.f64_losses)),
                    ("f64_params", OutputArray::F64Matrix(params)),
                ]
            }
            _ => Vec::new(),
        })
    }

    fn report(self: Box<Self>) -> Result<Report> {
        let written = self.outputs_of(&["train", "evaluate", "check_f64"])?;
        let CnnCifar10 { params, engine, host, model, outputs, .. } = *self;
        let (host, model) = (host.expect("load ran"), model.expect("build ran"));
        let engine_report = engine.report(&model)?;
        let mut report = Report::new(engine_report.framework, engine_report.compute);
        report.dtype = Some(engine_report.dtype);
        report.hyperparameters = Some(engine_report.settings);
        report.hp = manifest_hp(&engine_report.adam, &params);
        report.libraries = engine_report.libraries;
        report.native = engine_report.native;
        report.notes = engine_report.notes;
        let test_labels = Array1::from(host.test.labels);
        let test_pred = Array1::from(outputs.test_pred);
        report.metrics.push("test_accuracy", accuracy(&test_pred, &test_labels));
        let last = &outputs.losses[outputs.losses.len().saturating_sub(FINAL_STEPS)..];
        report.metrics.push("final_loss", last.iter().sum::<f64>() / last.len() as f64);
        report.outputs = written;
        Ok(report)
    }
}

/// The manifest's `hp.*`: Adam's settings as the row read them back, and the run's shape.
fn manifest_hp(adam: &Adam, params: &Params) -> Vec<(&'static str, Value)> {
    vec![
        ("optimizer", "adam".into()),
        ("learning_rate", adam.learning_rate.into()),
        ("beta1", adam.beta1.into()),
        ("beta2", adam.beta2.into()),
        ("eps", adam.eps.into()),
        ("weight_decay", adam.weight_decay.into()),
        ("batch_size", params.batch_size.into()),
        ("steps", params.steps.into()),
        ("init", "injected".into()),
    ]
}

#[cfg(test)]
mod tests;
