//! Task `iris-mlp` (PROTOCOL.md): an MLP (4 inputs, `hidden` ReLU units,
//! 3 softmax outputs) trained with plain mini-batch SGD on Iris.
//!
//! `rust/pure` is plain Rust on f64: ndarray only provides contiguous storage,
//! all arithmetic is explicit loops over slices (no BLAS). The loops are
//! written so that the innermost one runs over a contiguous row, which LLVM
//! vectorises. Every buffer is allocated once after `load`; `train`,
//! `infer_single` and `infer_batch` never allocate.
//!
//! The arithmetic is the NumPy reference's; only the order of summation in
//! the matrix products differs, so results agree to rounding error.

use anyhow::{Context, Result, bail};
use ndarray::{Array1, Array2};
use serde_json::Value;

use crate::data::{self, CsvSchema, OutputArray};
use crate::measure::{PhaseLog, Warmup, measure};
use crate::protocol::Spec;
use crate::runtime::element_type;
use crate::tasks::{TaskReport, check_outputs, parse_phases};

const COLUMNS: &[&str] = &["sepal_length", "sepal_width", "petal_length", "petal_width", "species"];
const CLASSES: &[i64] = &[0, 1, 2];
const OUTPUTS: &[&str] =
    &["W1", "b1", "W2", "b2", "loss_curve", "train_x", "train_pred", "test_pred", "test_proba"];

#[derive(Clone, Copy, PartialEq)]
enum Phase {
    Load,
    Train,
    InferSingle,
    InferBatch,
}

const PHASES: &[(&str, Phase)] = &[
    ("load", Phase::Load),
    ("train", Phase::Train),
    ("infer_single", Phase::InferSingle),
    ("infer_batch", Phase::InferBatch),
];

struct Params {
    epochs: usize,
    batch_size: usize,
    learning_rate: f64,
    hidden: usize,
    n_train: usize,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        Ok(Params {
            epochs: spec.param_usize("epochs")?,
            batch_size: spec.param_usize("batch_size")?,
            learning_rate: spec.param_positive_f64("learning_rate")?,
            hidden: spec.param_usize("hidden")?,
            n_train: spec.param_usize("n_train")?,
        })
    }
}

/// The `rust/pure` implementation: runs the spec's phases, then collects outputs.
pub fn run_pure(spec: &Spec) -> Result<TaskReport> {
    if spec.dtype != "f64" {
        bail!("rust/pure implements iris-mlp in f64 only, spec asks for dtype '{}'", spec.dtype);
    }
    if spec.device != "cpu" {
        bail!("rust/pure runs on cpu only, spec asks for device '{}'", spec.device);
    }
    let params = Params::from_spec(spec)?;
    let phases = parse_phases(spec, PHASES)?;
    check_outputs(spec, OUTPUTS)?;

    let mut report = TaskReport::new("ndarray", 1);
    if spec.threads > 1 {
        report.notes.push(format!("rust/pure is single-threaded; threads = {} does not apply", spec.threads));
    }

    check_plan(spec, &phases)?;

    let mut model: Option<Model> = None;
    let (warmup, reps) = (Warmup::of(spec), spec.repetitions);
    report.phases = PhaseLog::ready();
    for &(name, phase) in &phases {
        let result = match phase {
            Phase::Load => {
                let mut loaded = None;
                let result = measure(warmup, reps, 1, || {
                    loaded = Some(load(spec, &params)?);
                    Ok(())
                })?;
                // Buffers are allocated here, outside every timed phase.
                let (data, init) = loaded.expect("at least one repetition ran");
                model = Some(Model::new(data, init, &params));
                result
            }
            Phase::Train => {
                let m = model.as_mut().expect("check_plan: load runs before train");
                measure(warmup, reps, 1, || {
                    m.train();
                    Ok(())
                })?
            }
            Phase::InferSingle => {
                let m = model.as_mut().expect("check_plan: train runs before inference");
                let ops = m.data.test_y.len() as u64;
                measure(warmup, reps, ops, || {
                    m.infer_single();
                    Ok(())
                })?
            }
            Phase::InferBatch => {
                let m = model.as_mut().expect("check_plan: train runs before inference");
                measure(warmup, reps, 1, || {
                    m.infer_batch();
                    Ok(())
                })?
            }
        };
        report.phases.push(name, result);
    }

    if let Some(m) = model.as_mut() {
        report.dtype = Some(element_type(&m.weights.w1));
        report.hp = m.manifest_hp(&params);
        let ran = |p: Phase| phases.iter().any(|&(_, q)| q == p);
        if ran(Phase::Train) {
            if !ran(Phase::InferBatch) {
                m.infer_batch();
            }
            if ran(Phase::InferSingle) && m.single_pred != m.batch_pred {
                report.notes.push("infer_single and infer_batch predictions differ".to_string());
            }
            m.predict_train();
            report.metrics.push("train_accuracy", accuracy(&m.train_pred, &m.data.train_y));
            report.metrics.push("test_accuracy", accuracy(&m.batch_pred, &m.data.test_y));
        }
        for name in &spec.outputs {
            report.outputs.push((name.clone(), m.output(name)));
        }
    }
    Ok(report)
}

/// Rejects phase orders and outputs that cannot work, before anything runs.
fn check_plan(spec: &Spec, phases: &[(&str, Phase)]) -> Result<()> {
    let mut seen = Vec::new();
    for &(name, phase) in phases {
        let needs = match phase {
            Phase::Load => None,
            Phase::Train => Some("load"),
            Phase::InferSingle | Phase::InferBatch => Some("train"),
        };
        if let Some(needed) = needs.filter(|n| !seen.contains(n)) {
            bail!("spec phases: phase '{name}' needs phase '{needed}' before it");
        }
        seen.push(name);
    }
    for output in &spec.outputs {
        let needed = if output == "train_x" { "load" } else { "train" };
        if !seen.contains(&needed) {
            bail!("spec outputs: output '{output}' needs phase '{needed}'");
        }
    }
    Ok(())
}

fn accuracy(pred: &Array1<i64>, truth: &[usize]) -> f64 {
    let correct = pred.iter().zip(truth).filter(|&(&p, &t)| p == t as i64).count();
    correct as f64 / truth.len() as f64
}

// ---------------------------------------------------------------------------
// load

/// Normalised train and test sets, rows in split order.
struct Dataset {
    train_x: Array2<f64>,
    train_y: Vec<usize>,
    test_x: Array2<f64>,
    test_y: Vec<usize>,
}

/// Weights (or gradients, which have the same shapes).
#[derive(Clone)]
struct Weights {
    w1: Array2<f64>,
    b1: Array1<f64>,
    w2: Array2<f64>,
    b2: Array1<f64>,
}

impl Weights {
    /// Copies `other` into `self` without allocating.
    fn copy_from(&mut self, other: &Weights) {
        self.w1.assign(&other.w1);
        self.b1.assign(&other.b1);
        self.w2.assign(&other.w2);
        self.b2.assign(&other.b2);
    }
}

/// `load`: reads the CSV, the split and the initial weights; splits and z-scores.
fn load(spec: &Spec, params: &Params) -> Result<(Dataset, Weights)> {
    let csv = spec.input("data", "csv")?;
    let table =
        data::read_csv(csv, &CsvSchema { columns: COLUMNS, label: Some("species"), classes: Some(CLASSES) })?;
    let labels = table.labels.expect("schema has a label column");
    let (n, d) = table.features.dim();

    let split = data::read_split(spec.input("split", "npy")?, n)?;
    if params.n_train >= n {
        bail!(
            "spec params.n_train: {} leaves no test rows ({} rows in {})",
            params.n_train,
            n,
            csv.display()
        );
    }
    let (train_rows, test_rows) = split.split_at(params.n_train);

    let gather = |rows: &[usize]| {
        let x = Array2::from_shape_fn((rows.len(), d), |(i, j)| table.features[[rows[i], j]]);
        let y = rows.iter().map(|&r| labels[r] as usize).collect::<Vec<_>>();
        (x, y)
    };
    let (mut train_x, train_y) = gather(train_rows);
    let (mut test_x, test_y) = gather(test_rows);
    zscore(&mut train_x, &mut test_x).with_context(|| format!("{}", csv.display()))?;

    let (h, k) = (params.hidden, CLASSES.len());
    let init = Weights {
        w1: read_weight(spec, "W1", &[d, h])?,
        b1: read_weight(spec, "b1", &[h])?,
        w2: read_weight(spec, "W2", &[h, k])?,
        b2: read_weight(spec, "b2", &[k])?,
    };
    Ok((Dataset { train_x, train_y, test_x, test_y }, init))
}

/// Standardises columns with the train mean and population std (ddof = 0).
fn zscore(train: &mut Array2<f64>, test: &mut Array2<f64>) -> Result<()> {
    let n = train.nrows() as f64;
    let columns = train.columns_mut().into_iter().zip(test.columns_mut());
    for (col, (mut train_col, mut test_col)) in columns.enumerate() {
        let mean = train_col.sum() / n;
        let var = train_col.iter().map(|&x| (x - mean) * (x - mean)).sum::<f64>() / n;
        let std = var.sqrt();
        if std == 0.0 {
            let name = COLUMNS.get(col).unwrap_or(&"?");
            bail!("column {} ({name}) is constant over the train rows, cannot standardise", col + 1);
        }
        for x in train_col.iter_mut().chain(test_col.iter_mut()) {
            *x = (*x - mean) / std;
        }
    }
    Ok(())
}

/// Reads an initial weight array of the expected shape (1-D or 2-D).
fn read_weight<D: ndarray::Dimension>(
    spec: &Spec,
    role: &str,
    shape: &[usize],
) -> Result<ndarray::Array<f64, D>> {
    let path = spec.input(role, "npy")?;
    let array: ndarray::Array<f64, D> = data::read_npy(path)?;
    if array.shape() != shape {
        bail!("{}: {role} has shape {:?}, expected {:?}", path.display(), array.shape(), shape);
    }
    Ok(array)
}

// ---------------------------------------------------------------------------
// the model: weights, preallocated buffers, and the three compute phases

struct Model {
    data: Dataset,
    init: Weights,
    batch_size: usize,
    learning_rate: f64,
    /// Working weights; `train` restarts them from `init`.
    weights: Weights,
    grads: Weights,
    /// Per-batch activations (batch_size × hidden), ReLU applied.
    hidden: Array2<f64>,
    /// Per-batch logits, then probabilities, then dL/dz2 (batch_size × classes), in place.
    out: Array2<f64>,
    /// Per-batch dL/dz1 (batch_size × hidden).
    d_hidden: Array2<f64>,
    /// One entry per epoch.
    loss_curve: Array1<f64>,
    /// One test row's activations and logits, for `infer_single`.
    row_hidden: Array1<f64>,
    row_logits: Array1<f64>,
    single_pred: Array1<i64>,
    /// Whole-test-set activations, probabilities and predictions, for `infer_batch`.
    batch_hidden: Array2<f64>,
    batch_proba: Array2<f64>,
    batch_pred: Array1<i64>,
    train_pred: Array1<i64>,
}

impl Model {
    fn new(data: Dataset, init: Weights, params: &Params) -> Model {
        let (h, k) = (init.w1.ncols(), init.w2.ncols());
        let bs = params.batch_size.min(data.train_y.len());
        let n_test = data.test_y.len();
        Model {
            batch_size: bs,
            learning_rate: params.learning_rate,
            weights: init.clone(),
            grads: init.clone(),
            hidden: Array2::zeros((bs, h)),
            out: Array2::zeros((bs, k)),
            d_hidden: Array2::zeros((bs, h)),
            loss_curve: Array1::zeros(params.epochs),
            row_hidden: Array1::zeros(h),
            row_logits: Array1::zeros(k),
            single_pred: Array1::zeros(n_test),
            batch_hidden: Array2::zeros((n_test, h)),
            batch_proba: Array2::zeros((n_test, k)),
            batch_pred: Array1::zeros(n_test),
            train_pred: Array1::zeros(data.train_y.len()),
            data,
            init,
        }
    }

    /// `train`: plain mini-batch SGD from the initial weights.
    fn train(&mut self) {
        self.weights.copy_from(&self.init);
        let (n, d) = self.data.train_x.dim();
        let (h, k) = (self.weights.w1.ncols(), self.weights.w2.ncols());
        let lr = self.learning_rate;

        let x_all = contiguous(&self.data.train_x);
        let y_all = &self.data.train_y[..];
        let Weights { w1, b1, w2, b2 } = &mut self.weights;
        let (w1, b1, w2, b2) =
            (contiguous_mut(w1), contiguous_mut(b1), contiguous_mut(w2), contiguous_mut(b2));
        let Weights { w1: gw1, b1: gb1, w2: gw2, b2: gb2 } = &mut self.grads;
        let (gw1, gb1, gw2, gb2) =
            (contiguous_mut(gw1), contiguous_mut(gb1), contiguous_mut(gw2), contiguous_mut(gb2));
        let hidden_buf = contiguous_mut(&mut self.hidden);
        let out_buf = contiguous_mut(&mut self.out);
        let d_hidden_buf = contiguous_mut(&mut self.d_hidden);

        for epoch_loss in self.loss_curve.iter_mut() {
            let mut loss_sum = 0.0;
            for start in (0..n).step_by(self.batch_size) {
                let m = self.batch_size.min(n - start);
                let x = &x_all[start * d..(start + m) * d];
                let y = &y_all[start..start + m];
                let hid = &mut hidden_buf[..m * h];
                let out = &mut out_buf[..m * k];
                let d_hid = &mut d_hidden_buf[..m * h];

                // Forward: h = relu(X W1 + b1); p = softmax(h W2 + b2).
                affine::<true>(x, w1, b1, hid, d, h);
                affine::<false>(hid, w2, b2, out, h, k);
                softmax_rows(out, k);

                // Batch loss from the probabilities before the update.
                let log_sum: f64 = y.iter().enumerate().map(|(i, &c)| out[i * k + c].ln()).sum();
                let batch_loss = -(log_sum / m as f64);
                loss_sum += batch_loss * m as f64;

                // Backward. d2 = (p - onehot(y)) / m, in place of p.
                let mf = m as f64;
                for (row, &c) in out.chunks_exact_mut(k).zip(y) {
                    for (j, v) in row.iter_mut().enumerate() {
                        let onehot = if j == c { 1.0 } else { 0.0 };
                        *v = (*v - onehot) / mf;
                    }
                }
                let d2 = &*out;
                transpose_times(hid, d2, gw2, m, h, k);
                column_sums(d2, gb2, k);
                // dh = (d2 W2ᵀ) ⊙ [z1 > 0]; z1 > 0 exactly where relu(z1) > 0.
                for ((dh_row, d2_row), h_row) in
                    d_hid.chunks_exact_mut(h).zip(d2.chunks_exact(k)).zip(hid.chunks_exact(h))
                {
                    for (j, (dh, &hv)) in dh_row.iter_mut().zip(h_row).enumerate() {
                        let w2_row = &w2[j * k..(j + 1) * k];
                        let back: f64 = d2_row.iter().zip(w2_row).map(|(a, b)| a * b).sum();
                        *dh = if hv > 0.0 { back } else { 0.0 };
                    }
                }
                transpose_times(x, d_hid, gw1, m, d, h);
                column_sums(d_hid, gb1, h);

                for (w, g) in [(&mut *w1, &*gw1), (&mut *b1, &*gb1), (&mut *w2, &*gw2), (&mut *b2, &*gb2)] {
                    sgd_step(w, g, lr);
                }
            }
            *epoch_loss = loss_sum / n as f64;
        }
    }

    /// `infer_single`: each test row on its own; argmax of the logits.
    fn infer_single(&mut self) {
        let d = self.data.test_x.ncols();
        let (h, k) = (self.weights.w1.ncols(), self.weights.w2.ncols());
        let w = &self.weights;
        let (w1, b1, w2, b2) = (contiguous(&w.w1), contiguous(&w.b1), contiguous(&w.w2), contiguous(&w.b2));
        let hid = contiguous_mut(&mut self.row_hidden);
        let logits = contiguous_mut(&mut self.row_logits);
        for (x, pred) in contiguous(&self.data.test_x).chunks_exact(d).zip(self.single_pred.iter_mut()) {
            affine::<true>(x, w1, b1, hid, d, h);
            affine::<false>(hid, w2, b2, logits, h, k);
            *pred = argmax(logits) as i64;
        }
    }

    /// `infer_batch`: the whole test matrix; softmax probabilities and argmax.
    fn infer_batch(&mut self) {
        let w = &self.weights;
        forward_proba(
            &self.data.test_x,
            w,
            &mut self.batch_hidden,
            &mut self.batch_proba,
            &mut self.batch_pred,
        );
    }

    /// Predictions for the train rows with the trained weights (untimed).
    fn predict_train(&mut self) {
        let (n, h, k) = (self.data.train_x.nrows(), self.weights.w1.ncols(), self.weights.w2.ncols());
        let (mut hid, mut proba) = (Array2::zeros((n, h)), Array2::zeros((n, k)));
        forward_proba(&self.data.train_x, &self.weights, &mut hid, &mut proba, &mut self.train_pred);
    }

    /// The iris-mlp hyperparameters (manifest `hp.*`): no framework object
    /// holds them, so they are the values `train` runs with, and what it does
    /// not do (momentum, L2, shuffling, early stopping).
    fn manifest_hp(&self, params: &Params) -> Vec<(&'static str, Value)> {
        vec![
            ("epochs", self.loss_curve.len().into()),
            ("batch_size", params.batch_size.into()),
            ("learning_rate", self.learning_rate.into()),
            ("momentum", 0.0.into()),
            ("nesterov", false.into()),
            ("l2", 0.0.into()),
            ("shuffle", false.into()),
            ("early_stopping", "none".into()),
            ("hidden", self.weights.w1.ncols().into()),
            ("activation", "relu".into()),
            ("init", "injected".into()),
        ]
    }

    /// A copy of output `name` (one of OUTPUTS).
    fn output(&self, name: &str) -> OutputArray {
        use OutputArray::{F64Matrix, F64Vector, I64Vector};
        let w = &self.weights;
        match name {
            "W1" => F64Matrix(w.w1.clone()),
            "b1" => F64Vector(w.b1.clone()),
            "W2" => F64Matrix(w.w2.clone()),
            "b2" => F64Vector(w.b2.clone()),
            "loss_curve" => F64Vector(self.loss_curve.clone()),
            "train_x" => F64Matrix(self.data.train_x.clone()),
            "train_pred" => I64Vector(self.train_pred.clone()),
            "test_pred" => I64Vector(self.batch_pred.clone()),
            "test_proba" => F64Matrix(self.batch_proba.clone()),
            other => unreachable!("output '{other}' was checked against OUTPUTS"),
        }
    }
}

/// Softmax probabilities and argmax predictions for every row of `x`.
fn forward_proba(
    x: &Array2<f64>,
    w: &Weights,
    hid: &mut Array2<f64>,
    proba: &mut Array2<f64>,
    pred: &mut Array1<i64>,
) {
    let (d, h, k) = (x.ncols(), w.w1.ncols(), w.w2.ncols());
    let proba = contiguous_mut(proba);
    affine::<true>(contiguous(x), contiguous(&w.w1), contiguous(&w.b1), contiguous_mut(hid), d, h);
    affine::<false>(contiguous(hid), contiguous(&w.w2), contiguous(&w.b2), proba, h, k);
    softmax_rows(proba, k);
    for (p, row) in pred.iter_mut().zip(proba.chunks_exact(k)) {
        *p = argmax(row) as i64;
    }
}

// ---------------------------------------------------------------------------
// kernels on row-major slices

/// `out = x · w + b` for every row of `x` (rows × n_in), `w` (n_in × n_out);
/// with `RELU`, fused with `max(·, 0)`. The inner loop runs along a row of `w`.
/// Always inlined: each call site gets its own copy to optimise, and
/// `infer_single` calls it once per row.
#[inline(always)]
fn affine<const RELU: bool>(x: &[f64], w: &[f64], b: &[f64], out: &mut [f64], n_in: usize, n_out: usize) {
    for (x_row, out_row) in x.chunks_exact(n_in).zip(out.chunks_exact_mut(n_out)) {
        out_row.fill(0.0);
        for (&xv, w_row) in x_row.iter().zip(w.chunks_exact(n_out)) {
            for (o, &wv) in out_row.iter_mut().zip(w_row) {
                *o += xv * wv;
            }
        }
        // Bias after the product, as in NumPy's `x @ w + b`.
        for (o, &bv) in out_row.iter_mut().zip(b) {
            let z = *o + bv;
            *o = if RELU && z <= 0.0 { 0.0 } else { z };
        }
    }
}

/// Row-wise softmax in place, subtracting the row max for stability.
fn softmax_rows(z: &mut [f64], n_cols: usize) {
    for row in z.chunks_exact_mut(n_cols) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        for v in row.iter_mut() {
            *v /= sum;
        }
    }
}

/// `out = aᵀ b` for `a` (rows × n_a), `b` (rows × n_b): a sum of outer products.
fn transpose_times(a: &[f64], b: &[f64], out: &mut [f64], rows: usize, n_a: usize, n_b: usize) {
    out.fill(0.0);
    for (a_row, b_row) in a[..rows * n_a].chunks_exact(n_a).zip(b.chunks_exact(n_b)) {
        for (&av, out_row) in a_row.iter().zip(out.chunks_exact_mut(n_b)) {
            for (o, &bv) in out_row.iter_mut().zip(b_row) {
                *o += av * bv;
            }
        }
    }
}

/// `out[j] = Σ_i m[i, j]`.
fn column_sums(m: &[f64], out: &mut [f64], n_cols: usize) {
    out.fill(0.0);
    for row in m.chunks_exact(n_cols) {
        for (o, &v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

fn sgd_step(w: &mut [f64], g: &[f64], lr: f64) {
    for (wv, &gv) in w.iter_mut().zip(g) {
        *wv -= lr * gv;
    }
}

/// Index of the largest value; the first one wins ties.
fn argmax(row: &[f64]) -> usize {
    let mut best = 0;
    for (i, &v) in row.iter().enumerate().skip(1) {
        if v > row[best] {
            best = i;
        }
    }
    best
}

/// The elements of an array built by this module (always standard layout).
fn contiguous<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> &[f64] {
    a.as_slice().expect("arrays are allocated in standard layout")
}

fn contiguous_mut<D: ndarray::Dimension>(a: &mut ndarray::Array<f64, D>) -> &mut [f64] {
    a.as_slice_mut().expect("arrays are allocated in standard layout")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alloc_counter::allocations;

    /// A small deterministic problem: `n` rows, 4 features, 3 classes, `h` hidden units.
    fn model(n: usize, n_test: usize, h: usize, epochs: usize, batch_size: usize) -> Model {
        let wave = |i: usize, scale: f64| ((i as f64) * 0.731).sin() * scale;
        let x = |rows: usize, offset: usize| {
            Array2::from_shape_fn((rows, 4), |(i, j)| wave(offset + 4 * i + j, 1.5))
        };
        let y = |rows: usize, offset: usize| (0..rows).map(|i| (offset + i) % 3).collect::<Vec<_>>();
        let data =
            Dataset { train_x: x(n, 0), train_y: y(n, 0), test_x: x(n_test, 1000), test_y: y(n_test, 7) };
        let init = Weights {
            w1: Array2::from_shape_fn((4, h), |(i, j)| wave(100 + i * h + j, 0.8)),
            b1: Array1::from_shape_fn(h, |j| wave(200 + j, 0.1)),
            w2: Array2::from_shape_fn((h, 3), |(i, j)| wave(300 + i * 3 + j, 0.8)),
            b2: Array1::from_shape_fn(3, |j| wave(400 + j, 0.1)),
        };
        let params = Params { epochs, batch_size, learning_rate: 0.01, hidden: h, n_train: n };
        Model::new(data, init, &params)
    }

    /// Mean cross-entropy of `weights` on all train rows.
    fn mean_loss(m: &Model, weights: &Weights) -> f64 {
        let (n, h) = (m.data.train_x.nrows(), weights.w1.ncols());
        let (mut hid, mut proba, mut pred) = (Array2::zeros((n, h)), Array2::zeros((n, 3)), Array1::zeros(n));
        forward_proba(&m.data.train_x, weights, &mut hid, &mut proba, &mut pred);
        -m.data.train_y.iter().enumerate().map(|(i, &c)| proba[[i, c]].ln()).sum::<f64>() / n as f64
    }

    #[test]
    fn compute_phases_do_not_allocate() {
        let mut m = model(120, 30, 8, 20, 32);
        let probe = allocations();
        std::hint::black_box(Vec::<u8>::with_capacity(8));
        assert!(allocations() > probe, "the counting allocator is active");
        let before = allocations();
        m.train();
        m.infer_single();
        m.infer_batch();
        assert_eq!(allocations() - before, 0);
    }

    #[test]
    fn backward_matches_finite_differences() {
        // One epoch of one batch: the gradient buffers hold dLoss/dW at the initial weights.
        let mut m = model(10, 3, 5, 1, 10);
        m.train();
        let init = m.init.clone();
        let eps = 1e-6;
        let mut worst: f64 = 0.0;
        for which in 0..4 {
            let len = [init.w1.len(), init.b1.len(), init.w2.len(), init.b2.len()][which];
            for idx in 0..len {
                let perturbed = |delta: f64| {
                    let mut w = init.clone();
                    let a = [
                        contiguous_mut(&mut w.w1),
                        contiguous_mut(&mut w.b1),
                        contiguous_mut(&mut w.w2),
                        contiguous_mut(&mut w.b2),
                    ];
                    a.into_iter().nth(which).unwrap()[idx] += delta;
                    mean_loss(&m, &w)
                };
                let numeric = (perturbed(eps) - perturbed(-eps)) / (2.0 * eps);
                let g = &m.grads;
                let analytic =
                    [contiguous(&g.w1), contiguous(&g.b1), contiguous(&g.w2), contiguous(&g.b2)][which][idx];
                worst = worst.max((numeric - analytic).abs());
            }
        }
        assert!(worst < 1e-7, "max |numeric - analytic| = {worst:e}");
        // The epoch loss is the loss before the update.
        assert!((m.loss_curve[0] - mean_loss(&m, &init)).abs() < 1e-14);
    }

    #[test]
    fn training_reduces_loss_and_repetitions_agree() {
        let mut m = model(120, 30, 8, 200, 32);
        m.train();
        let (first, weights) = (m.loss_curve.clone(), m.weights.clone());
        assert!(first[199] < first[0]);
        m.train();
        assert_eq!(m.loss_curve, first);
        assert_eq!(m.weights.w1, weights.w1);
    }

    #[test]
    fn single_and_batch_inference_agree() {
        let mut m = model(120, 30, 8, 50, 32);
        m.train();
        m.infer_single();
        m.infer_batch();
        assert_eq!(m.single_pred, m.batch_pred);
        for row in m.batch_proba.rows() {
            assert!((row.sum() - 1.0).abs() < 1e-12);
        }
    }

    #[test]
    fn argmax_first_index_wins_ties() {
        assert_eq!(argmax(&[0.1, 0.5, 0.5]), 1);
        assert_eq!(argmax(&[0.7, 0.2, 0.7]), 0);
        assert_eq!(argmax(&[-1.0, -3.0, -0.5]), 2);
    }

    #[test]
    fn zscore_uses_train_statistics_and_population_std() {
        let mut train = ndarray::array![[1.0, 10.0], [3.0, 30.0]];
        let mut test = ndarray::array![[5.0, 20.0]];
        zscore(&mut train, &mut test).unwrap();
        assert_eq!(train, ndarray::array![[-1.0, -1.0], [1.0, 1.0]]);
        assert_eq!(test, ndarray::array![[3.0, 0.0]]);
        let mut constant = ndarray::array![[1.0, 2.0], [1.0, 3.0]];
        let err = zscore(&mut constant, &mut test).unwrap_err().to_string();
        assert!(err.contains("column 1 (sepal_length) is constant"), "{err}");
    }
}
