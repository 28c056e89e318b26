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
//!   With `LINFA_TOLERANCE` (`linfa_row`), the smallest positive f64, it stops only when
//!   an iteration leaves the centroids bit for bit unchanged: the fixed point
//!   of its update, as scikit-learn's `tol=0` stops only on a zero shift.
//! - `rust/smartcore`: smartcore's `KMeans` cannot start from given
//!   centroids; it seeds itself by k-means++ (seed 42), then iterates Lloyd
//!   steps (a BBD tree speeds up the assignment) until the distortion stops
//!   decreasing. It is compared at result level.

mod linfa_row;
mod smartcore_row;

use anyhow::{Result, anyhow, bail};
use ndarray::{Array1, Array2, ArrayView2};
use serde_json::Value;
use smartcore::cluster::kmeans::KMeansParameters;

use crate::data::{self, OutputArray};
use crate::protocol::Spec;
use crate::task::{Compute, Report, Task};
use crate::tasks::classical;
use linfa_row::LinfaKmeans;
use smartcore_row::{SMARTCORE_SEED, SmartcoreRow};

const INPUTS: &[&str] = &["data", "init"];
const PARAMS: &[&str] = &["k", "max_iter"];

struct Params {
    k: usize,
    max_iter: usize,
}

impl Params {
    fn from_spec(spec: &Spec) -> Result<Params> {
        classical::check_spec(spec, INPUTS, PARAMS)?;
        Ok(Params { k: spec.param_usize("k")?, max_iter: spec.param_usize("max_iter")? })
    }
}

/// The data and the harness's initial centroids.
pub struct Blobs {
    pub x: Array2<f64>,
    pub init: Array2<f64>,
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

/// Task `kmeans-blobs` computed by `row`.
struct Kmeans<'s, R: KmeansRow> {
    spec: &'s Spec,
    params: Params,
    row: R,
    /// What is known before any phase runs: library, threads, notes.
    report: Report,
    loaded: Option<(Blobs, R::Prepared)>,
    model: Option<R::Model>,
    labels: Option<Array1<i64>>,
}

impl<'s, R: KmeansRow> Kmeans<'s, R> {
    fn new(spec: &'s Spec, params: Params, row: R, report: Report) -> Self {
        Kmeans { spec, params, row, report, loaded: None, model: None, labels: None }
    }

    /// The fitted model's centroids, k × the data's columns.
    fn centroids(&self, model: &R::Model, blobs: &Blobs) -> Result<Array2<f64>> {
        let centroids = self.row.centroids(model)?;
        if centroids.dim() != (self.params.k, blobs.x.ncols()) {
            bail!(
                "the fitted model has {:?} centroids, expected [{}, {}]",
                centroids.shape(),
                self.params.k,
                blobs.x.ncols()
            );
        }
        Ok(centroids)
    }
}

impl<R: KmeansRow> Task for Kmeans<'_, R> {
    fn phases(&self) -> &'static [&'static str] {
        &["load", "fit", "predict_batch"]
    }

    fn outputs(&self) -> &'static [&'static str] {
        &["centroids", "labels"]
    }

    fn run_phase(&mut self, name: &str) -> Result<()> {
        if name == "load" {
            let blobs = load(self.spec, &self.params)?;
            let prepared = self.row.prepare(&blobs)?;
            self.loaded = Some((blobs, prepared));
            return Ok(());
        }
        let (blobs, prepared) = self.loaded.as_ref().expect("the core runs load first");
        match name {
            "fit" => self.model = Some(self.row.fit(blobs, prepared)?),
            "predict_batch" => {
                let model = self.model.as_ref().expect("the core runs fit before predicting");
                self.labels = Some(self.row.predict(model, blobs, prepared)?);
            }
            other => unreachable!("kmeans-blobs has no phase '{other}'"),
        }
        Ok(())
    }

    fn phase_outputs(&self, phase: &str) -> Result<Vec<(&'static str, OutputArray)>> {
        Ok(match (phase, &self.loaded, &self.model, &self.labels) {
            ("fit", Some((blobs, _)), Some(model), _) => {
                vec![("centroids", OutputArray::F64Matrix(self.centroids(model, blobs)?))]
            }
            ("predict_batch", _, _, Some(labels)) => vec![("labels", OutputArray::I64Vector(labels.clone()))],
            _ => Vec::new(),
        })
    }

    fn report(self: Box<Self>) -> Result<Report> {
        // The centroids among them have the shape checked (`Kmeans::centroids`).
        let outputs = self.outputs_of(&["fit", "predict_batch"])?;
        let Kmeans { params, row, mut report, loaded, model, labels, .. } = *self;
        let ((blobs, prepared), model) = (loaded.expect("load ran"), model.expect("fit ran"));
        let labels = labels.expect("predict_batch ran");
        report.hyperparameters = Some(row.hyperparameters(&prepared));
        report.dtype = Some(row.dtype(&model, &prepared));
        report.hp = row.manifest_hp(&blobs, &prepared);

        let centroids = row.centroids(&model)?;
        report.metrics.push("inertia", inertia(blobs.x.view(), centroids.view(), &labels)?);
        let n_iter = row.n_iter(&blobs, &prepared, &model)?;
        report.metrics.push("n_iter", n_iter as f64);
        if n_iter >= params.max_iter {
            report.notes.push(format!("ran the full max_iter = {} iterations", params.max_iter));
        }
        report.outputs = outputs;
        Ok(report)
    }
}

/// The first t in 1..=max at which `holds` becomes true, for a predicate that is
/// false below some point and true from there on (taken as true at `max`).
/// Probes 1, 2, 4, … and then bisects, so a small answer costs few, short
/// capped fits.
pub fn first_true(max: usize, mut holds: impl FnMut(usize) -> Result<bool>) -> Result<usize> {
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

/// `rust/linfa`.
pub fn rust_linfa(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let params = Params::from_spec(spec)?;
    let row = LinfaKmeans { k: params.k, max_iter: params.max_iter };
    let mut report = Report::new("linfa-clustering", Compute::RayonPool);
    report.notes.push(
        "linfa's update counts the old centroid as one more cluster member (m_k-means) and stops on the \
         centroid shift, not on unchanged labels; with tolerance = f64::MIN_POSITIVE it stops when an \
         iteration changes nothing, so n_iter includes the iterations that close the damped gap to the \
         cluster means after the labels settled. n_iter is reconstructed from runs with capped \
         max_n_iterations (linfa does not expose it)"
            .to_string(),
    );
    Ok(Box::new(Kmeans::new(spec, params, row, report)))
}

/// `rust/smartcore`.
pub fn rust_smartcore(spec: &Spec) -> Result<Box<dyn Task + '_>> {
    let params = Params::from_spec(spec)?;
    let mut parameters = KMeansParameters::default().with_k(params.k).with_max_iter(params.max_iter);
    parameters.seed = Some(SMARTCORE_SEED);
    let row = SmartcoreRow { parameters };
    let mut report = Report::new("smartcore", Compute::CallingThread { library: "smartcore" });
    report.notes.push(format!(
        "smartcore's KMeans cannot start from given centroids: it seeds itself by k-means++ with seed \
         {SMARTCORE_SEED} (init.npy is read and checked, not used) and stops when the distortion stops \
         decreasing, which takes one assignment more than scikit-learn's unchanged-labels test; compare at \
         result level. Centroids are read from the model's Debug output (smartcore keeps them private); n_iter, \
         which smartcore does not expose, is reconstructed from runs with capped max_iter"
    ));
    Ok(Box::new(Kmeans::new(spec, params, row, report)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two well-separated pairs of points.
    pub fn blobs() -> Blobs {
        Blobs {
            x: ndarray::array![[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 11.5], [0.5, 0.5], [9.5, 10.0]],
            init: ndarray::array![[1.0, 1.0], [8.0, 8.0]],
        }
    }

    /// Both rows through the runner core, every timed repetition hashing to the outputs written.
    #[test]
    fn timed_repetitions_hash_to_the_outputs_written() {
        let Blobs { x, init } = blobs();
        let file = |name: &str, array: Array2<f64>| {
            let path = crate::data::test_file(name, b"");
            OutputArray::F64Matrix(array).write(&path).unwrap();
            path
        };
        let inputs = serde_json::json!({
            "data": { "path": file("blobs.npy", x), "kind": "npy" },
            "init": { "path": file("init.npy", init), "kind": "npy" }
        });
        for (implementation, create) in
            [("rust/linfa", rust_linfa as crate::task::Constructor), ("rust/smartcore", rust_smartcore)]
        {
            let mut spec = crate::protocol::test_spec(serde_json::json!({
                "task": "kmeans-blobs", "impl": implementation, "warmup": 1, "repetitions": 3,
                "phases": ["load", "fit", "predict_batch"], "params": { "k": 2, "max_iter": 50 },
                "inputs": inputs
            }))
            .unwrap();
            crate::runner::verify(&mut spec, &[("fit", &["centroids"]), ("predict_batch", &["labels"])]);
            let out = std::env::temp_dir().join(format!(
                "equibench-kmeans-test-{}-{}",
                std::process::id(),
                &implementation[5..]
            ));
            std::fs::create_dir_all(&out).unwrap();
            let result = crate::runner::run(&spec, &out, create).unwrap();
            assert_eq!(crate::runner::assert_digests_of_written_outputs(&spec, &result, &out), 2);
            let labels: Array1<i64> = data::read_npy(&out.join("labels.npy")).unwrap();
            let (near, far) = (labels[0], labels[2]);
            assert!(near != far && labels == ndarray::array![near, near, far, far, near, far], "{labels}");
        }
    }

    #[test]
    fn inertia_sums_squared_distances_to_assigned_centroids() {
        let x = ndarray::array![[0.0, 0.0], [1.0, 1.0], [10.0, 10.0]];
        let c = ndarray::array![[0.5, 0.5], [10.0, 11.0]];
        assert_eq!(inertia(x.view(), c.view(), &ndarray::array![0, 0, 1]).unwrap(), 0.5 + 0.5 + 1.0);
        assert!(inertia(x.view(), c.view(), &ndarray::array![0, 2, 1]).is_err());
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
}
