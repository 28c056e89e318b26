package org.equibench.impl.classical;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.KmeansBlobsTask;
import smile.clustering.BBDTree;
import smile.clustering.KMeans;

/**
 * {@code java/smile} for kmeans-blobs: Smile's k-means iteration, {@link BBDTree#clustering}, run from the harness's
 * shared initial centroids ({@code init}) with scikit-learn's stopping rule, and the result as Smile's {@link KMeans}
 * model.
 * <p>
 * {@code KMeans.fit} draws its own k-means++ centroids and offers no way to pass any; but all it does after that draw
 * is build a {@code BBDTree} of the data and call its public {@code clustering(centroids, sum, size, y)} once per
 * iteration: one Lloyd iteration (every row to its nearest centroid, then every centroid to the mean of its rows),
 * computed by Kanungo et al.'s filtering on a balanced box-decomposition tree, which prunes centroids that cannot be
 * nearest for a whole box of rows; its leaves are single rows, so the assignment is exact. This row builds the tree
 * and calls the same method from the shared centroids, so it is compared centroid by centroid like scikit-learn's
 * row. The stopping rule is scikit-learn's tol = 0 (labels equal to the previous iteration's, or centroids that did
 * not move; {@code n_iter} counted as scikit-learn counts it), where KMeans.fit stops when the distortion falls by no
 * more than its tol, which takes one iteration more to see. Predictions are {@code KMeans.predict}, row by row.
 * <p>
 * A cluster left without rows keeps its centroid in Smile (scikit-learn relocates it to the farthest row); a note
 * says when that happened. The tree's box sums and the pruning test order the arithmetic differently from
 * scikit-learn's GEMM: centroids agree to round-off.
 */
public final class SmileKmeansBlobs implements JavaImplementation {

    @Override
    public String task() {
        return "kmeans-blobs";
    }

    @Override
    public String id() {
        return "java/smile";
    }

    /** What {@code load} produces: the points as Smile takes them (one {@code double[]} per row) and the shared centroids. */
    private record Loaded(double[][] rows, PureJavaKmeansBlobs.Loaded flat) {
        static Loaded of(RunSpec spec, int k) throws Exception {
            PureJavaKmeansBlobs.Loaded flat = PureJavaKmeansBlobs.Loaded.of(spec, k);
            return new Loaded(rowsOf(flat.x(), flat.n(), flat.d()), flat);
        }
    }

    static double[][] rowsOf(double[] x, int n, int d) {
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = Arrays.copyOfRange(x, i * d, i * d + d);
        }
        return rows;
    }

    /** A fit: Smile's model, and what the loop saw. */
    private record Fit(KMeans model, int iterations, boolean converged, int[] emptyAtEnd) {
    }

    /** Lloyd iterations by {@code BBDTree.clustering} from {@code init} (k × d, row-major) until the labels settle. */
    static Fit fit(double[][] rows, double[] init, int k, int maxIter) {
        int n = rows.length;
        int d = rows[0].length;
        BBDTree tree = new BBDTree(rows);
        double[][] centroids = rowsOf(init, k, d);
        double[][] before = new double[k][d];
        double[][] sum = new double[k][d];
        int[] size = new int[k];
        int[] y = new int[n];
        int[] previous = new int[n];
        Arrays.fill(previous, -1);
        double distortion = Double.NaN;
        int iterations = 0;
        boolean converged = false;
        for (int iter = 0; iter < maxIter; iter++) {
            for (int j = 0; j < k; j++) {
                System.arraycopy(centroids[j], 0, before[j], 0, d);
            }
            distortion = tree.clustering(centroids, sum, size, y);
            iterations = iter + 1;
            if (Arrays.equals(y, previous) || Arrays.deepEquals(centroids, before)) {
                converged = true;
                break;
            }
            System.arraycopy(y, 0, previous, 0, n);
        }
        return new Fit(new KMeans(distortion, centroids, y), iterations, converged,
                Arrays.stream(size).filter(s -> s == 0).toArray());
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        KmeansBlobsTask.Params p = ClassicalSpecs.kmeansParams(run);
        int k = p.k();
        int maxIter = p.maxIter();

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, k));
        Loaded data = loaded[0];
        int n = data.flat().n();
        int d = data.flat().d();

        Fit[] fitted = new Fit[1];
        run.phase("fit", 1, () -> fitted[0] = fit(data.rows(), data.flat().init(), k, maxIter),
                () -> Map.of("centroids", NdArray.f64(flatten(fitted[0].model().centroids), k, d)));
        Fit fit = fitted[0];
        KMeans model = fit.model();

        int[] labels = new int[n];
        run.phase("predict_batch", 1, () -> {
            for (int i = 0; i < n; i++) {
                labels[i] = model.predict(data.rows()[i]);
            }
        }, () -> Map.of("labels", NdArray.labels(labels)));

        double[] centroids = flatten(model.centroids);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("iteration", "smile.clustering.BBDTree.clustering (the iteration of KMeans.fit)");
        settings.put("init", "the harness's shared centroids");
        settings.put("stop", "labels unchanged or centroids unmoved (scikit-learn's tol = 0), or max_iter");
        SmileSupport.report(run, settings);
        run.manifest("threads.compute", 1); // BBDTree.clustering and KMeans.predict have no parallel code path
        run.hyperparameter("k", model.k);
        run.hyperparameter("max_iter", maxIter);
        run.hyperparameter("algorithm", "lloyd"); // Lloyd's iterations, the assignment found by BBD-tree filtering
        run.hyperparameter("init", "shared");
        run.hyperparameter("tol", 0.0);
        run.note("Smile's KMeans.fit cannot take initial centroids: its iteration, BBDTree.clustering (exact Lloyd "
                + "iterations by BBD-tree filtering), runs here from the shared ones, with scikit-learn's stopping rule");
        if (!fit.converged()) {
            run.note("stopped at max_iter = " + maxIter + " before the labels settled");
        }
        if (fit.emptyAtEnd().length > 0) {
            run.note(fit.emptyAtEnd().length + " cluster(s) without rows at the end (Smile keeps their centroids; "
                    + "scikit-learn would have relocated them)");
        }
        run.metric("n_iter", fit.iterations());
        run.metric("inertia", TribuoKmeansBlobs.inertia(data.flat().x(), d, labels, centroids));
        run.output("centroids", NdArray.f64(centroids, k, d));
        run.output("labels", NdArray.labels(labels));
    }

    private static double[] flatten(double[][] rows) {
        int d = rows[0].length;
        double[] out = new double[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * d, d);
        }
        return out;
    }
}
