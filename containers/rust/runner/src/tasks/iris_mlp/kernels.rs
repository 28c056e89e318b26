//! The arithmetic of the `rust/pure` MLP on row-major slices: explicit loops
//! whose innermost one runs along a contiguous row, which LLVM vectorises.

/// `out = x · w + b` for every row of `x` (rows × n_in), `w` (n_in × n_out);
/// with `RELU`, fused with `max(·, 0)`. The inner loop runs along a row of `w`.
/// Always inlined: each call site gets its own copy to optimise, and
/// `infer_single` calls it once per row.
#[inline(always)]
pub fn affine<const RELU: bool>(x: &[f64], w: &[f64], b: &[f64], out: &mut [f64], n_in: usize, n_out: usize) {
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
pub fn softmax_rows(z: &mut [f64], n_cols: usize) {
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
pub fn transpose_times(a: &[f64], b: &[f64], out: &mut [f64], rows: usize, n_a: usize, n_b: usize) {
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
pub fn column_sums(m: &[f64], out: &mut [f64], n_cols: usize) {
    out.fill(0.0);
    for row in m.chunks_exact(n_cols) {
        for (o, &v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

pub fn sgd_step(w: &mut [f64], g: &[f64], lr: f64) {
    for (wv, &gv) in w.iter_mut().zip(g) {
        *wv -= lr * gv;
    }
}

/// The elements of an array built by this task (always standard layout).
pub fn contiguous<D: ndarray::Dimension>(a: &ndarray::Array<f64, D>) -> &[f64] {
    a.as_slice().expect("arrays are allocated in standard layout")
}

pub fn contiguous_mut<D: ndarray::Dimension>(a: &mut ndarray::Array<f64, D>) -> &mut [f64] {
    a.as_slice_mut().expect("arrays are allocated in standard layout")
}
