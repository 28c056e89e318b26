//! The `rust/pure` MLP: weights, buffers allocated once (`Model::new`, after
//! `load`), and the computations of `train`, `infer_single` and `infer_batch`,
//! none of which allocates.

use ndarray::{Array1, Array2};

use super::Params;
use super::kernels::{
    affine, column_sums, contiguous, contiguous_mut, sgd_step, softmax_rows, transpose_times,
};
use crate::tasks::shared::argmax;

/// Normalised train and test sets, rows in split order.
pub struct Dataset {
    pub train_x: Array2<f64>,
    pub train_y: Vec<usize>,
    pub test_x: Array2<f64>,
    pub test_y: Vec<usize>,
}

/// Weights (or gradients, which have the same shapes).
#[derive(Clone)]
pub struct Weights {
    pub w1: Array2<f64>,
    pub b1: Array1<f64>,
    pub w2: Array2<f64>,
    pub b2: Array1<f64>,
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

/// The data, the weights and every buffer the compute phases use, allocated once.
pub struct Model {
    pub data: Dataset,
    pub init: Weights,
    pub batch_size: usize,
    pub learning_rate: f64,
    /// Working weights; `train` restarts them from `init`.
    pub weights: Weights,
    pub grads: Weights,
    /// Per-batch activations (batch_size × hidden), ReLU applied.
    pub hidden: Array2<f64>,
    /// Per-batch logits, then probabilities, then dL/dz2 (batch_size × classes), in place.
    pub out: Array2<f64>,
    /// Per-batch dL/dz1 (batch_size × hidden).
    pub d_hidden: Array2<f64>,
    /// One entry per epoch.
    pub loss_curve: Array1<f64>,
    /// One test row's activations and logits, for `infer_single`.
    pub row_hidden: Array1<f64>,
    pub row_logits: Array1<f64>,
    pub single_pred: Array1<i64>,
    /// Whole-test-set activations, probabilities and predictions, for `infer_batch`.
    pub batch_hidden: Array2<f64>,
    pub batch_proba: Array2<f64>,
    pub batch_pred: Array1<i64>,
    pub train_pred: Array1<i64>,
}

impl Model {
    pub fn new(data: Dataset, init: Weights, params: &Params) -> Model {
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
    pub fn train(&mut self) {
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
    pub fn infer_single(&mut self) {
        let d = self.data.test_x.ncols();
        let (h, k) = (self.weights.w1.ncols(), self.weights.w2.ncols());
        let w = &self.weights;
        let (w1, b1, w2, b2) = (contiguous(&w.w1), contiguous(&w.b1), contiguous(&w.w2), contiguous(&w.b2));
        let hid = contiguous_mut(&mut self.row_hidden);
        let logits = contiguous_mut(&mut self.row_logits);
        for (x, pred) in contiguous(&self.data.test_x).chunks_exact(d).zip(self.single_pred.iter_mut()) {
            affine::<true>(x, w1, b1, hid, d, h);
            affine::<false>(hid, w2, b2, logits, h, k);
            *pred = argmax(logits.iter().copied()) as i64;
        }
    }

    /// `infer_batch`: the whole test matrix; softmax probabilities and argmax.
    pub fn infer_batch(&mut self) {
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
    pub fn predict_train(&mut self) {
        let (n, h, k) = (self.data.train_x.nrows(), self.weights.w1.ncols(), self.weights.w2.ncols());
        let (mut hid, mut proba) = (Array2::zeros((n, h)), Array2::zeros((n, k)));
        forward_proba(&self.data.train_x, &self.weights, &mut hid, &mut proba, &mut self.train_pred);
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
        *p = argmax(row.iter().copied()) as i64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alloc_counter::allocations;
    use crate::tasks::iris_mlp::Params;

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
}
