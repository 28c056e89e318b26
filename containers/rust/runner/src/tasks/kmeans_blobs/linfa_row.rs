//! `rust/linfa`: linfa-clustering's `KMeans` from the harness's initial centroids.

use anyhow::{Result, anyhow};
use linfa::DatasetBase;
use linfa::ParamGuard;
use linfa::traits::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit, KMeansValidParams};
use linfa_nn::distance::{Distance, L2Dist};
use ndarray::{Array1, Array2};
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;
use serde_json::Value;

use super::{Blobs, KmeansRow, first_true};
use crate::tasks::classical::hyperparameters;
use crate::tasks::shared::element_type;

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
type LinfaParams = KMeansValidParams<f64, Xoshiro256Plus, L2Dist>;

pub struct LinfaKmeans {
    pub k: usize,
    pub max_iter: usize,
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
        hyperparameters(&[
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::kmeans_blobs::tests::blobs;

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
}
