//! Task `kmeans-blobs` (PROTOCOL.md): Lloyd's k-means on generated blobs,
//! run to the fixed point or `max_iter`.
//!
//! - `rust/linfa`: linfa-clustering's `KMeans` from the harness's initial
//!   centroids (`KMeansInit::Precomputed`), one run. Two differences from
//!   scikit-learn's Lloyd iteration matter:
//!   * the update step counts the old centroid as one more member of its
//!     cluster ("m_k-means": new = (Σ members + old) / (n + 1)), so once the
//!     labels are settled the centroids still approach the cluster means
//!     geometrically (by a factor 1/(n+1) per iteration) instead of landing
//!     on them in one step;
//!   * it stops when the Euclidean norm of the change of the whole centroid
//!     matrix falls below `tolerance` (strictly; linfa rejects 0), not when
//!     the labels stop changing.
//!
//!   With [`LINFA_TOLERANCE`], the smallest positive f64, it stops only when
//!   an iteration leaves the centroids bit for bit unchanged: the fixed point
//!   of its update, as scikit-learn's `tol=0` stops only on a zero shift.
//! - `rust/smartcore`: smartcore's `KMeans` cannot start from given
//!   centroids; it seeds itself by k-means++ (seed 42), then iterates Lloyd
//!   steps (a BBD tree speeds up the assignment) until the distortion stops
//!   decreasing. It is compared at result level.

use anyhow::{Context, Result, anyhow, bail};
use linfa::DatasetBase;
use linfa::ParamGuard;
use linfa::traits::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit, KMeansValidParams};
use linfa_nn::distance::{Distance, L2Dist};
use ndarray::{Array1, Array2, ArrayView2};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;
use serde_json::Value;
use smartcore::cluster::kmeans::{KMeans as SmartcoreKMeans, KMeansParameters};
use smartcore::linalg::basic::matrix::DenseMatrix;

use crate::data::{self, OutputArray};
use crate::protocol::Spec;
use crate::runtime::element_type;
use crate::tasks::TaskReport;
use crate::tasks::classical::{self, Phases};

const INPUTS: &[&str] = &["data", "init"];
const PARAMS: &[&str] = &["k", "max_iter"];
const OUTPUTS: &[&str] = &["centroids", "labels"];

/// linfa's stopping threshold on the centroid shift ‖C_new − C_old‖_F: the
/// smallest positive f64, so that only a shift of exactly zero stops the run
/// before `max_iter` (shifts of centroids of blob data are far above the
/// subnormal range).
///
/// The run does get there. Once the labels are settled, every centroid
/// coordinate follows c ↦ fl(fl(S + c) / (n + 1)) with S and n fixed (the sum
/// and size of its cluster); that map is monotone, so its orbit is monotone in
/// a finite set of floats and ends on an exact fixed point, without cycling,
/// about log(error / ulp) / log(n + 1) iterations after the labels settle. A
/// larger tolerance stops a step or two earlier, at centroids within
/// tolerance / n of that point. Measured on the harness's blobs, labels
/// identical to scikit-learn's throughout: CI scale 7 iterations (scikit-learn
/// 2; 6 with a tolerance of 1e-12, 5 with 1e-10), full scale 5 (scikit-learn 2;
/// 4 with 1e-12); centroids within 1.6e-13 and 3.1e-13 of scikit-learn's, the
/// same as with 1e-10.
const LINFA_TOLERANCE: f64 = f64::MIN_POSITIVE;
const LINFA_SEED: u64 = 42;
const SMARTCORE_SEED: u64 = 42;

struct Params {
    k: usize,
    max_iter: usize,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        classical::check_spec(spec, INPUTS, PARAMS, OUTPUTS)?;
        Ok(Params { k: spec.param_usize("k")?, max_iter: spec.param_usize("max_iter")? })
    }
}

/// The data and the harness's initial centroids.
struct Blobs {
    x: Array2<f64>,
    init: Array2<f64>,
}

/// `load`: reads the data (n × d) and the initial centroids (k × d), all finite.
fn load(spec: &Spec, params: &Params) -> Result<Blobs> {
    let data_path = spec.input("data", "npy")?;
    let x = data::read_finite_matrix(data_path)?;
    let (n, d) = x.dim();
    if n < params.k {
        bail!("{}: {n} rows, fewer than k = {}", data_path.display(), params.k);
    }
    let init_path = spec.input("init", "npy")?;
    let init = data::read_finite_matrix(init_path)?;
    if init.dim() != (params.k, d) {
        bail!(
            "{}: init has shape {:?}, expected [{}, {d}] (k × the data's columns)",
            init_path.display(),
            init.shape(),
            params.k
        );
    }
    Ok(Blobs { x, init })
}

/// One library's k-means.
trait KmeansRow {
    /// What fit needs beyond the ndarray data, built in `load`.
    type Prepared;
    type Model;
    fn prepare(&self, blobs: &Blobs) -> Result<Self::Prepared>;
    fn fit(&self, blobs: &Blobs, prepared: &Self::Prepared) -> Result<Self::Model>;
    fn predict(&self, model: &Self::Model, blobs: &Blobs, prepared: &Self::Prepared) -> Result<Array1<i64>>;
    fn centroids(&self, model: &Self::Model) -> Result<Array2<f64>>;
    /// `runtime.hyperparameters`, once `load` has built the parameters.
    fn hyperparameters(&self, prepared: &Self::Prepared) -> serde_json::Value;
    /// The element type the model computed in (manifest `dtype`), read from
    /// the fitted model or the data it was fitted on.
    fn dtype(&self, model: &Self::Model, prepared: &Self::Prepared) -> &'static str;
    /// The task's hyperparameters under PROTOCOL.md's names (manifest `hp.*`),
    /// read back from the library's parameter struct.
    fn manifest_hp(&self, blobs: &Blobs, prepared: &Self::Prepared) -> Vec<(&'static str, Value)>;
    /// Iterations the fit ran (neither library exposes the count; reconstructed, untimed).
    fn n_iter(&self, blobs: &Blobs, prepared: &Self::Prepared, model: &Self::Model) -> Result<usize>;
}

/// Runs `load`, `fit`, `predict_batch` and fills the report.
fn run<R: KmeansRow>(spec: &Spec, params: &Params, row: &R, mut report: TaskReport) -> Result<TaskReport> {
    let mut phases = Phases::new(spec, &["load", "fit", "predict_batch"])?;
    let (blobs, prepared) = phases.run("load", 1, || {
        let blobs = load(spec, params)?;
        let prepared = row.prepare(&blobs)?;
        Ok((blobs, prepared))
    })?;
    let model = phases.run("fit", 1, || row.fit(&blobs, &prepared))?;
    let labels = phases.run("predict_batch", 1, || row.predict(&model, &blobs, &prepared))?;
    report.phases = phases.into_results();
    report.hyperparameters = Some(row.hyperparameters(&prepared));
    report.dtype = Some(row.dtype(&model, &prepared));
    report.hp = row.manifest_hp(&blobs, &prepared);

    let centroids = row.centroids(&model)?;
    if centroids.dim() != (params.k, blobs.x.ncols()) {
        bail!(
            "the fitted model has {:?} centroids, expected [{}, {}]",
            centroids.shape(),
            params.k,
            blobs.x.ncols()
        );
    }
    report.metrics.push("inertia", inertia(blobs.x.view(), centroids.view(), &labels)?);
    let n_iter = row.n_iter(&blobs, &prepared, &model)?;
    report.metrics.push("n_iter", n_iter as f64);
    if n_iter >= params.max_iter {
        report.notes.push(format!("ran the full max_iter = {} iterations", params.max_iter));
    }
    report.outputs = classical::requested_outputs(
        spec,
        vec![("centroids", OutputArray::F64Matrix(centroids)), ("labels", OutputArray::I64Vector(labels))],
    );
    Ok(report)
}

/// The first t in 1..=max at which `holds` becomes true, for a predicate that is
/// false below some point and true from there on (taken as true at `max`).
/// Probes 1, 2, 4, … and then bisects, so a small answer costs few, short
/// capped fits.
fn first_true(max: usize, mut holds: impl FnMut(usize) -> Result<bool>) -> Result<usize> {
    let (mut lo, mut hi) = (1, 1);
    while hi < max && !holds(hi)? {
        lo = hi + 1;
        hi = (2 * hi).min(max);
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if holds(mid)? {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    Ok(lo)
}

/// Sum of squared Euclidean distances from each row to its assigned centroid, in f64.
fn inertia(x: ArrayView2<f64>, centroids: ArrayView2<f64>, labels: &Array1<i64>) -> Result<f64> {
    let mut total = 0.0;
    for (row, &label) in x.rows().into_iter().zip(labels) {
        let c = usize::try_from(label)
            .ok()
            .filter(|&c| c < centroids.nrows())
            .ok_or_else(|| anyhow!("predict returned label {label}, not a centroid index"))?;
        total += row.iter().zip(centroids.row(c)).map(|(a, b)| (a - b) * (a - b)).sum::<f64>();
    }
    Ok(total)
}

// ---------------------------------------------------------------------------
// rust/linfa

type LinfaParams = KMeansValidParams<f64, Xoshiro256Plus, L2Dist>;

struct LinfaKmeans {
    k: usize,
    max_iter: usize,
}

impl LinfaKmeans {
    /// The parameters with the harness's initial centroids and iteration cap `max_iter`.
    fn params(&self, init: &Array2<f64>, max_iter: usize) -> Result<LinfaParams> {
        // The generator only matters for the random initialisations, not for Precomputed.
        KMeans::params_with(self.k, Xoshiro256Plus::seed_from_u64(LINFA_SEED), L2Dist)
            .init_method(KMeansInit::Precomputed(init.clone()))
            .n_runs(1)
            .max_n_iterations(max_iter as u64)
            .tolerance(LINFA_TOLERANCE)
            .check()
            .map_err(|e| anyhow!("linfa-clustering parameters: {e}"))
    }

    fn fit_with(params: &LinfaParams, x: &Array2<f64>) -> Result<KMeans<f64, L2Dist>> {
        params.fit(&DatasetBase::from(x.view())).map_err(|e| anyhow!("linfa-clustering KMeans: {e}"))
    }
}

impl KmeansRow for LinfaKmeans {
    type Prepared = LinfaParams;
    type Model = KMeans<f64, L2Dist>;

    fn prepare(&self, blobs: &Blobs) -> Result<LinfaParams> {
        self.params(&blobs.init, self.max_iter)
    }

    fn fit(&self, blobs: &Blobs, params: &LinfaParams) -> Result<Self::Model> {
        Self::fit_with(params, &blobs.x)
    }

    fn predict(&self, model: &Self::Model, blobs: &Blobs, _params: &LinfaParams) -> Result<Array1<i64>> {
        let labels: Array1<usize> = model.predict(&blobs.x);
        Ok(labels.mapv(|c| c as i64))
    }

    fn centroids(&self, model: &Self::Model) -> Result<Array2<f64>> {
        Ok(model.centroids().clone())
    }

    fn hyperparameters(&self, params: &LinfaParams) -> serde_json::Value {
        classical::hyperparameters(&[
            ("KMeansValidParams", format!("{params:?}")),
            (
                "tolerance",
                format!(
                    "{LINFA_TOLERANCE:e} (f64::MIN_POSITIVE), on the Frobenius norm of the centroid shift"
                ),
            ),
        ])
    }

    fn dtype(&self, model: &Self::Model, _params: &LinfaParams) -> &'static str {
        element_type(model.centroids())
    }

    /// Read back from linfa's parameter struct: `init` is "shared" when the
    /// precomputed centroids are the harness's, `tol` the threshold on the
    /// centroid shift (its update differs from plain Lloyd: see the notes).
    fn manifest_hp(&self, blobs: &Blobs, params: &LinfaParams) -> Vec<(&'static str, Value)> {
        let init = match params.init_method() {
            KMeansInit::Precomputed(centroids) if *centroids == blobs.init => "shared".to_string(),
            KMeansInit::Precomputed(_) => "precomputed centroids other than the harness's".to_string(),
            other => format!("{other:?} seed {LINFA_SEED} (linfa)").to_lowercase(),
        };
        vec![
            ("k", params.n_clusters().into()),
            ("max_iter", params.max_n_iterations().into()),
            ("algorithm", "lloyd".into()),
            ("init", init.into()),
            ("tol", params.tolerance().into()),
        ]
    }

    /// linfa does not expose its iteration count N. A run capped at t ≤ N
    /// iterations ends on the same centroids C_t as the full run had after t,
    /// and one capped beyond N ends on C_N; so the shift ‖C_t − C_{t−1}‖ between
    /// the runs capped at t and t − 1 is ≥ the tolerance for t < N and below it
    /// for t ≥ N: N is the first t where it is below.
    fn n_iter(&self, blobs: &Blobs, _params: &LinfaParams, _model: &Self::Model) -> Result<usize> {
        let centroids_after = |t: usize| -> Result<Array2<f64>> {
            if t == 0 {
                return Ok(blobs.init.clone());
            }
            Ok(Self::fit_with(&self.params(&blobs.init, t)?, &blobs.x)?.centroids().clone())
        };
        first_true(self.max_iter, |t| {
            Ok(L2Dist.distance(centroids_after(t - 1)?.view(), centroids_after(t)?.view()) < LINFA_TOLERANCE)
        })
    }
}

/// `rust/linfa`.
pub fn run_linfa(spec: &Spec) -> Result<TaskReport> {
    let params = Params::from_spec(spec)?;
    let row = LinfaKmeans { k: params.k, max_iter: params.max_iter };
    let mut report = TaskReport::new("linfa-clustering", 1);
    classical::use_rayon_pool(spec, &mut report);
    report.notes.push(
        "linfa's update counts the old centroid as one more cluster member (m_k-means) and stops on the \
         centroid shift, not on unchanged labels; with tolerance = f64::MIN_POSITIVE it stops when an \
         iteration changes nothing, so n_iter includes the iterations that close the damped gap to the \
         cluster means after the labels settled. n_iter is reconstructed from runs with capped \
         max_n_iterations (linfa does not expose it)"
            .to_string(),
    );
    run(spec, &params, &row, report)
}

// ---------------------------------------------------------------------------
// rust/smartcore

type SmartcoreModel = SmartcoreKMeans<f64, usize, DenseMatrix<f64>, Vec<usize>>;

struct SmartcoreRow {
    parameters: KMeansParameters,
}

impl KmeansRow for SmartcoreRow {
    type Prepared = DenseMatrix<f64>;
    type Model = SmartcoreModel;

    fn prepare(&self, blobs: &Blobs) -> Result<DenseMatrix<f64>> {
        classical::dense_matrix(blobs.x.view())
    }

    fn fit(&self, _blobs: &Blobs, x: &DenseMatrix<f64>) -> Result<SmartcoreModel> {
        SmartcoreModel::fit(x, self.parameters.clone()).map_err(|e| anyhow!("smartcore KMeans::fit: {e}"))
    }

    fn predict(&self, model: &SmartcoreModel, _blobs: &Blobs, x: &DenseMatrix<f64>) -> Result<Array1<i64>> {
        let labels = model.predict(x).map_err(|e| anyhow!("smartcore KMeans::predict: {e}"))?;
        Ok(labels.into_iter().map(|c| c as i64).collect())
    }

    fn centroids(&self, model: &SmartcoreModel) -> Result<Array2<f64>> {
        Ok(SmartcoreState::of(model)?.centroids)
    }

    fn hyperparameters(&self, _x: &DenseMatrix<f64>) -> serde_json::Value {
        classical::hyperparameters(&[("KMeansParameters", format!("{:?}", self.parameters))])
    }

    /// The data's element type. (smartcore keeps its centroids and sums as
    /// `Vec<Vec<f64>>` whatever the data's type; here both are f64.)
    fn dtype(&self, _model: &SmartcoreModel, x: &DenseMatrix<f64>) -> &'static str {
        classical::dense_element_type(x)
    }

    /// `KMeans::fit` (smartcore 0.7.0, cluster/kmeans.rs) stops at the first
    /// iteration whose distortion is not below the previous one's: a threshold
    /// of 0 on the decrease of the distortion.
    fn manifest_hp(&self, _blobs: &Blobs, _x: &DenseMatrix<f64>) -> Vec<(&'static str, Value)> {
        let p = &self.parameters;
        let init = match p.seed {
            Some(seed) => format!("k-means++ seed {seed} (smartcore)"),
            None => "k-means++ unseeded (smartcore)".to_string(),
        };
        vec![
            ("k", p.k.into()),
            ("max_iter", p.max_iter.into()),
            ("algorithm", "lloyd".into()),
            ("init", init.into()),
            ("tol", 0.0.into()),
        ]
    }

    /// smartcore does not expose its iteration count N. Each iteration assigns
    /// the rows, updates the centroids and stops when the distortion (of the
    /// assignment) did not decrease; until then it keeps the new distortion.
    /// So a run capped at t keeps D_t for t < N − 1, strictly above D_{N−1},
    /// and any run capped at t ≥ N − 1 keeps D_{N−1}: the first cap that keeps
    /// the full run's distortion is N − 1 (or `max_iter` when it never stopped).
    fn n_iter(&self, _blobs: &Blobs, x: &DenseMatrix<f64>, model: &SmartcoreModel) -> Result<usize> {
        let max_iter = self.parameters.max_iter;
        let distortion = SmartcoreState::of(model)?.distortion;
        let first = first_true(max_iter, |t| {
            let capped = SmartcoreModel::fit(x, self.parameters.clone().with_max_iter(t))
                .map_err(|e| anyhow!("smartcore KMeans::fit: {e}"))?;
            Ok(SmartcoreState::of(&capped)?.distortion == distortion)
        })?;
        Ok((first + 1).min(max_iter))
    }
}

/// What smartcore's `KMeans` keeps private, read from its `Debug` output
/// (f64 `Debug` output round-trips exactly).
struct SmartcoreState {
    centroids: Array2<f64>,
    /// The last distortion (sum of squared distances) the fit loop kept.
    distortion: f64,
}

impl SmartcoreState {
    fn of(model: &SmartcoreModel) -> Result<SmartcoreState> {
        let debug = format!("{model:?}");
        Ok(SmartcoreState {
            centroids: centroids_from_debug(&debug)?,
            distortion: distortion_from_debug(&debug)?,
        })
    }
}

/// The `_distortion: …` field of smartcore's `KMeans` Debug output.
fn distortion_from_debug(debug: &str) -> Result<f64> {
    const FIELD: &str = "_distortion: ";
    let unreadable = || "cannot read the distortion from smartcore's KMeans Debug output".to_string();
    let start = debug.find(FIELD).with_context(unreadable)? + FIELD.len();
    let value = debug[start..].split(',').next().with_context(unreadable)?;
    value.trim().parse().with_context(unreadable)
}

/// The `centroids: [[…], …]` field of smartcore's `KMeans` Debug output.
fn centroids_from_debug(debug: &str) -> Result<Array2<f64>> {
    const FIELD: &str = "centroids: [";
    let unreadable = || "cannot read the centroids from smartcore's KMeans Debug output".to_string();
    let start = debug.find(FIELD).with_context(unreadable)? + FIELD.len();
    let body = &debug[start..];
    let end = body.find("]]").with_context(unreadable)?;
    let rows: Vec<Vec<f64>> = body[..end]
        .trim_start_matches('[')
        .split("], [")
        .map(|row| row.split(", ").map(str::parse).collect::<Result<Vec<f64>, _>>())
        .collect::<Result<_, _>>()
        .with_context(unreadable)?;
    let d = rows.first().map_or(0, Vec::len);
    if d == 0 || rows.iter().any(|r| r.len() != d) {
        return Err(anyhow!(unreadable()));
    }
    let k = rows.len();
    Ok(Array2::from_shape_vec((k, d), rows.concat()).expect("k rows of d values"))
}

/// `rust/smartcore`.
pub fn run_smartcore(spec: &Spec) -> Result<TaskReport> {
    let params = Params::from_spec(spec)?;
    let mut parameters = KMeansParameters::default().with_k(params.k).with_max_iter(params.max_iter);
    parameters.seed = Some(SMARTCORE_SEED);
    let row = SmartcoreRow { parameters };
    let mut report = TaskReport::new("smartcore", 1);
    classical::single_threaded(spec, &mut report, "smartcore");
    report.notes.push(format!(
        "smartcore's KMeans cannot start from given centroids: it seeds itself by k-means++ with seed \
         {SMARTCORE_SEED} (init.npy is read and checked, not used) and stops when the distortion stops \
         decreasing, which takes one assignment more than scikit-learn's unchanged-labels test; compare at \
         result level. Centroids are read from the model's Debug output (smartcore keeps them private); n_iter, \
         which smartcore does not expose, is reconstructed from runs with capped max_iter"
    ));
    run(spec, &params, &row, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inertia_sums_squared_distances_to_assigned_centroids() {
        let x = ndarray::array![[0.0, 0.0], [1.0, 1.0], [10.0, 10.0]];
        let c = ndarray::array![[0.5, 0.5], [10.0, 11.0]];
        assert_eq!(inertia(x.view(), c.view(), &ndarray::array![0, 0, 1]).unwrap(), 0.5 + 0.5 + 1.0);
        assert!(inertia(x.view(), c.view(), &ndarray::array![0, 2, 1]).is_err());
    }

    /// Two well-separated pairs of points.
    fn blobs() -> Blobs {
        Blobs {
            x: ndarray::array![[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.5], [0.5, 0.5], [9.5, 10.0]],
            init: ndarray::array![[1.0, 1.0], [8.0, 8.0]],
        }
    }

    #[test]
    fn linfa_converges_to_the_cluster_means_and_counts_iterations() {
        let b = blobs();
        let row = LinfaKmeans { k: 2, max_iter: 300 };
        let params = row.prepare(&b).unwrap();
        let model = row.fit(&b, &params).unwrap();
        let labels = row.predict(&model, &b, &params).unwrap();
        assert_eq!(labels, ndarray::array![0, 0, 1, 1, 0, 1]);
        let centroids = row.centroids(&model).unwrap();
        let means = ndarray::array![[0.5 / 3.0, 1.5 / 3.0], [29.5 / 3.0, 31.5 / 3.0]];
        assert!((&centroids - &means).iter().all(|e| e.abs() < 1e-14), "{centroids}");
        // The run stopped at the first iteration that changed nothing.
        let n_iter = row.n_iter(&b, &params, &model).unwrap();
        assert!((3..300).contains(&n_iter), "{n_iter}");
        let after = |t: usize| LinfaKmeans::fit_with(&row.params(&b.init, t).unwrap(), &b.x).unwrap();
        assert_eq!(after(n_iter).centroids(), model.centroids());
        assert_eq!(after(n_iter - 1).centroids(), model.centroids());
        assert_ne!(after(n_iter - 2).centroids(), model.centroids());
    }

    #[test]
    fn smartcore_centroids_come_from_the_model() {
        let b = blobs();
        let mut parameters = KMeansParameters::default().with_k(2).with_max_iter(100);
        parameters.seed = Some(SMARTCORE_SEED);
        let row = SmartcoreRow { parameters };
        let x = row.prepare(&b).unwrap();
        let model = row.fit(&b, &x).unwrap();
        let labels = row.predict(&model, &b, &x).unwrap();
        let centroids = row.centroids(&model).unwrap();
        assert_eq!(centroids.dim(), (2, 2));
        // Each centroid is the mean of the rows assigned to it.
        for (c, centroid) in centroids.rows().into_iter().enumerate() {
            let members: Vec<usize> = (0..6).filter(|&i| labels[i] == c as i64).collect();
            let mean = b.x.select(ndarray::Axis(0), &members).mean_axis(ndarray::Axis(0)).unwrap();
            assert!((&centroid - &mean).iter().all(|e| e.abs() < 1e-12), "{centroid} vs {mean}");
        }
    }

    #[test]
    fn smartcore_iterations_end_where_the_distortion_stops_decreasing() {
        let b = blobs();
        let mut parameters = KMeansParameters::default().with_k(2).with_max_iter(100);
        parameters.seed = Some(SMARTCORE_SEED);
        let row = SmartcoreRow { parameters: parameters.clone() };
        let x = row.prepare(&b).unwrap();
        let model = row.fit(&b, &x).unwrap();
        let n_iter = row.n_iter(&b, &x, &model).unwrap();
        let distortion = |cap: usize| {
            let capped = SmartcoreModel::fit(&x, parameters.clone().with_max_iter(cap)).unwrap();
            SmartcoreState::of(&capped).unwrap().distortion
        };
        assert!((2..100).contains(&n_iter), "{n_iter}");
        assert_eq!(distortion(n_iter - 1), distortion(100));
        if n_iter >= 3 {
            assert!(distortion(n_iter - 2) > distortion(100));
        }
    }

    #[test]
    fn first_true_finds_the_switch_point() {
        for max in [1, 2, 3, 7, 300] {
            for switch in 1..=max {
                let mut probes = 0;
                let found = first_true(max, |t| {
                    probes += 1;
                    Ok(t >= switch)
                })
                .unwrap();
                assert_eq!(found, switch, "max {max}");
                assert!(probes <= 2 * (usize::BITS - max.leading_zeros()) as usize + 1);
            }
        }
        // Never true before max: max.
        assert_eq!(first_true(10, |_| Ok(false)).unwrap(), 10);
    }

    #[test]
    fn reads_centroids_from_debug_text() {
        let debug = "KMeans { k: 2, _y: [0, 1], size: [1, 1], _distortion: 0.5, \
                     centroids: [[1.0, -2.5e-7], [3.0, 4.0]], _phantom_tx: PhantomData<f64> }";
        assert_eq!(centroids_from_debug(debug).unwrap(), ndarray::array![[1.0, -2.5e-7], [3.0, 4.0]]);
        assert_eq!(distortion_from_debug(debug).unwrap(), 0.5);
        assert!(distortion_from_debug("KMeans { k: 2 }").is_err());
        assert!(centroids_from_debug("KMeans { k: 2 }").is_err());
        assert!(centroids_from_debug("centroids: [[1.0, 2.0], [3.0]]").is_err());
    }
}
