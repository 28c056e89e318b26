package org.equibench.impl.classical;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.KmeansBlobsTask;

/**
 * {@code java/pure} for kmeans-blobs: Lloyd's algorithm in plain Java on contiguous {@code double[]} arrays (row-major
 * points and centroids, no boxing, no library), from the harness's shared k-means++ centroids ({@code init}), with
 * scikit-learn's semantics ({@code KMeans(algorithm="lloyd", n_init=1, tol=0)}, {@code _kmeans_single_lloyd}):
 * <ul>
 *   <li>each iteration assigns every row to its nearest centroid, by {@code ‖c‖² − 2 x·c} as scikit-learn ranks them
 *       (the row's own {@code ‖x‖²} does not change the order), the lowest index among exact ties; in the same pass
 *       it sums the rows of each cluster; then every centroid moves to the mean of its rows;</li>
 *   <li>a cluster left without rows is relocated as scikit-learn's {@code _relocate_empty_clusters_dense} does: to
 *       the row farthest from the centroid it was assigned to (farthest first, one row per empty cluster), whose
 *       old cluster gives it up (its label stays; the next assignment settles it);</li>
 *   <li>it stops after the first iteration whose labels equal the previous iteration's ("strict convergence", the
 *       iteration counted), or whose centroids did not move at all (the squared shift ≤ tol = 0), or after max_iter;
 *       {@code n_iter} counts as scikit-learn's {@code n_iter_} does.</li>
 * </ul>
 * The loop allocates nothing: the centroids, their norms, the per-cluster sums and counts and the labels live in
 * arrays made once per fit. {@code predict_batch} assigns every row to its nearest final centroid (the same
 * ranking); inertia is then summed from those labels in plain f64, as every row of the task defines it.
 * <p>
 * Not scikit-learn's rounding: it centres the data on its column means before iterating and ranks with a BLAS
 * GEMM; the sums here run in row order on the raw data. The centroids agree to round-off; a label could differ only
 * for a row equidistant from two centroids to round-off.
 */
public final class PureJavaKmeansBlobs implements JavaImplementation {

    @Override
    public String task() {
        return "kmeans-blobs";
    }

    @Override
    public String id() {
        return "java/pure";
    }

    /** What {@code load} produces: the points (n × d, row-major) and the shared initial centroids (k × d). */
    record Loaded(double[] x, int n, int d, double[] init) {
        static Loaded of(RunSpec spec, int k) throws Exception {
            NdArray a = ClassicalSpecs.kmeansPoints(spec, k);
            int n = a.shape()[0];
            int d = a.shape()[1];
            Path initFile = Path.of(spec.input("init"));
            NdArray init = InputArrays.finiteMatrix(initFile);
            ClassicalSpecs.require(init.shape()[0] == k && init.shape()[1] == d, initFile.getFileName() + ": shape ("
                    + init.shape()[0] + ", " + init.shape()[1] + "), expected (" + k + ", " + d + ")");
            return new Loaded(a.values(), n, d, init.values());
        }
    }

    /**
     * One fit's state and its working arrays, made once: the loop only writes into them.
     */
    static final class Lloyd {
        /**
         * Rows ranked at a time, as scikit-learn's chunks of 256: a block's k × 256 scores (16 KiB) stay in the L1
         * cache, and every loop over it runs over 256 contiguous rows, which the JIT vectorises.
         */
        static final int BLOCK = 256;

        final double[] x;
        final int n;
        final int d;
        final int k;
        /** −2x column by column (d × n), made at the start of each fit: a block's coordinate q is contiguous. */
        final double[] minusTwoXColumns;
        final double[] centroids;
        final double[] previous;
        final double[] sums;
        final int[] counts;
        final double[] norms;
        /** One block's scores, centroid by centroid (k × BLOCK), then its lowest score and that centroid's index. */
        final double[] scores;
        final double[] bestScores;
        final int[] nearest;
        final int[] labels;
        /** Iterations run, counted as scikit-learn's {@code n_iter_}. */
        int iterations;
        /** Whether the last iteration's labels equalled the one before (or the centroids stood still). */
        boolean converged;
        /** Empty clusters relocated, over the whole fit. */
        int relocations;

        Lloyd(double[] x, int n, int d, int k) {
            this.x = x;
            this.n = n;
            this.d = d;
            this.k = k;
            minusTwoXColumns = new double[d * n];
            centroids = new double[k * d];
            previous = new double[k * d];
            sums = new double[k * d];
            counts = new int[k];
            norms = new double[k];
            scores = new double[k * BLOCK];
            bestScores = new double[BLOCK];
            nearest = new int[BLOCK];
            labels = new int[n];
        }

        /** Lloyd's iterations from {@code init} to the fixed point or {@code maxIter}. */
        void fit(double[] init, int maxIter) {
            transposeData();
            System.arraycopy(init, 0, centroids, 0, centroids.length);
            Arrays.fill(labels, -1);
            iterations = 0;
            converged = false;
            relocations = 0;
            for (int iter = 0; iter < maxIter; iter++) {
                System.arraycopy(centroids, 0, previous, 0, centroids.length);
                boolean changed = assignAndSum();
                relocateEmpty();
                boolean moved = false;
                for (int j = 0; j < k; j++) {
                    int c = counts[j];
                    if (c == 0) {
                        continue; // only possible with more empty clusters than rows to give: keeps its centroid
                    }
                    double alpha = 1.0 / c; // scikit-learn's _average_centers scales by the reciprocal
                    for (int q = j * d, end = q + d; q < end; q++) {
                        double v = sums[q] * alpha;
                        moved |= v != previous[q];
                        centroids[q] = v;
                    }
                }
                iterations = iter + 1;
                if (!changed || !moved) {
                    converged = true;
                    break;
                }
            }
        }

        /** −2x, exact (a power of two), laid out column by column. */
        private void transposeData() {
            for (int i = 0; i < n; i++) {
                for (int q = 0, o = i * d; q < d; q++) {
                    minusTwoXColumns[q * n + i] = -2 * x[o + q];
                }
            }
        }

        private void centroidNorms() {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int q = j * d, end = q + d; q < end; q++) {
                    s += centroids[q] * centroids[q];
                }
                norms[j] = s;
            }
        }

        /**
         * The nearest centroid of rows {@code start} to {@code start + size} into {@code nearest}, by ‖c‖² − 2 x·c,
         * the lowest index among ties: each score is ‖c‖² plus the coordinates' terms in order, as one row at a time
         * would add them, but every loop runs over the block's rows; the minimum is kept by selects, not branches
         * (on overlapping blobs which centroid wins is a coin toss a branch predictor would lose).
         */
        private void rankBlock(int start, int size) {
            for (int j = 0; j < k; j++) {
                int s = j * BLOCK;
                Arrays.fill(scores, s, s + size, norms[j]);
                for (int q = 0; q < d; q++) {
                    double c = centroids[j * d + q];
                    int o = q * n + start;
                    for (int r = 0; r < size; r++) {
                        scores[s + r] += minusTwoXColumns[o + r] * c;
                    }
                }
            }
            System.arraycopy(scores, 0, bestScores, 0, size);
            Arrays.fill(nearest, 0, size, 0);
            for (int j = 1; j < k; j++) {
                int s = j * BLOCK;
                for (int r = 0; r < size; r++) {
                    double v = scores[s + r];
                    boolean lower = v < bestScores[r];
                    bestScores[r] = lower ? v : bestScores[r];
                    nearest[r] = lower ? j : nearest[r];
                }
            }
        }

        /** Assigns every row, sums each cluster's rows (in row order); true when some label changed. */
        private boolean assignAndSum() {
            centroidNorms();
            Arrays.fill(sums, 0.0);
            Arrays.fill(counts, 0);
            boolean changed = false;
            for (int start = 0; start < n; start += BLOCK) {
                int size = Math.min(BLOCK, n - start);
                rankBlock(start, size);
                for (int r = 0; r < size; r++) {
                    int i = start + r;
                    int j = nearest[r];
                    changed |= labels[i] != j;
                    labels[i] = j;
                    counts[j]++;
                    for (int q = 0, o = i * d, so = j * d; q < d; q++) {
                        sums[so + q] += x[o + q];
                    }
                }
            }
            return changed;
        }

        /**
         * scikit-learn's {@code _relocate_empty_clusters_dense}: each empty cluster takes one of the rows farthest
         * from the centroid they were assigned to (computed against this iteration's starting centroids), farthest
         * first; the row's cluster gives up its sum and count. Rare; allocates only when it happens.
         */
        private void relocateEmpty() {
            int empty = 0;
            for (int j = 0; j < k; j++) {
                if (counts[j] == 0) {
                    empty++;
                }
            }
            if (empty == 0) {
                return;
            }
            double[] distance = new double[n];
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int q = 0, o = i * d, co = labels[i] * d; q < d; q++) {
                    double t = x[o + q] - previous[co + q];
                    s += t * t;
                }
                distance[i] = s;
            }
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(distance[b], distance[a]));
            int next = 0;
            for (int j = 0; j < k; j++) {
                if (counts[j] != 0) {
                    continue;
                }
                int far = order[next++];
                int old = labels[far];
                for (int q = 0; q < d; q++) {
                    double v = x[far * d + q];
                    sums[old * d + q] -= v;
                    sums[j * d + q] = v;
                }
                counts[old]--;
                counts[j] = 1;
                relocations++;
            }
        }

        /** Labels of every row against the current centroids. */
        void predict(int[] out) {
            centroidNorms();
            for (int start = 0; start < n; start += BLOCK) {
                int size = Math.min(BLOCK, n - start);
                rankBlock(start, size);
                System.arraycopy(nearest, 0, out, start, size);
            }
        }
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

        Lloyd[] fitted = new Lloyd[1];
        run.phase("fit", 1, () -> {
            Lloyd lloyd = new Lloyd(data.x(), data.n(), data.d(), k);
            lloyd.fit(data.init(), maxIter);
            fitted[0] = lloyd;
        }, () -> Map.of("centroids", NdArray.f64(fitted[0].centroids.clone(), k, data.d())));
        Lloyd model = fitted[0];

        int[] labels = new int[data.n()];
        run.phase("predict_batch", 1, () -> model.predict(labels), () -> Map.of("labels", NdArray.labels(labels)));

        run.framework("plain Java (double[] loops)", System.getProperty("java.version"));
        run.manifest("dtype", model.centroids.getClass().getComponentType() == double.class ? "f64" : "f32");
        run.manifest("threads.compute", 1); // plain loops on the calling thread, no pool
        run.hyperparameter("k", model.k);
        run.hyperparameter("max_iter", maxIter);
        run.hyperparameter("algorithm", "lloyd");
        run.hyperparameter("init", "shared");
        run.hyperparameter("tol", 0.0); // stops on unchanged labels or unmoved centroids: scikit-learn's tol=0
        if (!model.converged) {
            run.note("stopped at max_iter = " + maxIter + " before the labels settled");
        }
        if (model.relocations > 0) {
            run.note(model.relocations + " empty cluster(s) relocated to the farthest rows during the fit "
                    + "(scikit-learn's rule; with several at once the pairing of clusters and rows may differ from NumPy's argpartition order)");
        }
        run.metric("n_iter", model.iterations);
        run.metric("inertia", TribuoKmeansBlobs.inertia(data.x(), data.d(), labels, model.centroids));
        run.output("centroids", NdArray.f64(model.centroids, k, data.d()));
        run.output("labels", NdArray.labels(labels));
    }
}
