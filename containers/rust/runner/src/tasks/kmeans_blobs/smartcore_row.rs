//! `rust/smartcore`: smartcore's `KMeans`, seeded k-means++ (it cannot start
//! from given centroids); what it keeps private is read from its `Debug` output.

use anyhow::{Context, Result, anyhow};
use ndarray::{Array1, Array2};
use serde_json::Value;
use smartcore::cluster::kmeans::{KMeans as SmartcoreKMeans, KMeansParameters};
use smartcore::linalg::basic::matrix::DenseMatrix;

use super::{Blobs, KmeansRow, first_true};
use crate::tasks::classical::dense::dense_matrix;
use crate::tasks::classical::hyperparameters;
use crate::tasks::shared::dense_element_type;

pub const SMARTCORE_SEED: u64 = 42;

type SmartcoreModel = SmartcoreKMeans<f64, usize, DenseMatrix<f64>, Vec<usize>>;

pub struct SmartcoreRow {
    pub parameters: KMeansParameters,
}

impl KmeansRow for SmartcoreRow {
    type Prepared = DenseMatrix<f64>;
    type Model = SmartcoreModel;

    fn prepare(&self, blobs: &Blobs) -> Result<DenseMatrix<f64>> {
        dense_matrix(blobs.x.view())
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
        hyperparameters(&[("KMeansParameters", format!("{:?}", self.parameters))])
    }

    /// The data's element type. (smartcore keeps its centroids and sums as
    /// `Vec<Vec<f64>>` whatever the data's type; here both are f64.)
    fn dtype(&self, _model: &SmartcoreModel, x: &DenseMatrix<f64>) -> &'static str {
        dense_element_type(x)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tasks::kmeans_blobs::tests::blobs;

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
