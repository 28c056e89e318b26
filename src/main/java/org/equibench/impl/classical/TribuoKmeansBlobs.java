package org.equibench.impl.classical;

import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.measure.PhaseMeter;
import org.equibench.protocol.RunSpec;
import org.equibench.task.KmeansBlobsTask;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.clustering.ClusterID;
import org.tribuo.clustering.ClusteringFactory;
import org.tribuo.clustering.kmeans.KMeansModel;
import org.tribuo.clustering.kmeans.KMeansTrainer;
import org.tribuo.math.distance.DistanceType;
import org.tribuo.math.la.DenseVector;

/**
 * {@code java/tribuo} for kmeans-blobs: Tribuo's {@link KMeansTrainer}, Lloyd iterations with L2 distance,
 * k = params.k, at most params.max_iter iterations, k-means++ initialisation with seed 42, and as many
 * threads as the spec's {@code threads} (1).
 * <p>
 * Tribuo cannot take user-supplied initial centroids, so the harness's {@code init} input is not read: the
 * centroids start from Tribuo's own k-means++ draw, and the row is compared with the others at result level
 * (partition and inertia), not centroid by centroid.
 * <p>
 * Each iteration assigns every row to its nearest centroid, then moves each centroid to the mean of its rows;
 * training stops after the first iteration in which no row changed cluster (the fixed point, the iteration
 * counted), or after max_iter. A cluster left without rows gets the zero vector as its centroid (scikit-learn
 * relocates it instead); a note says when that happened.
 * <p>
 * The iteration count is not in Tribuo's API: the trainer logs one INFO record per iteration ("Iteration i
 * completed. …") and one when it converged; this row counts those records (Tribuo 4.3's wording), and leaves
 * n_iter out, with a note, if it saw none.
 */
public final class TribuoKmeansBlobs implements JavaImplementation {
    static final long SEED = 42;
    private static final Pattern ITERATION = Pattern.compile("^Iteration (\\d+) completed\\.");
    private static final Pattern CONVERGED = Pattern.compile("^K-Means converged at iteration (\\d+)");

    @Override
    public String task() {
        return "kmeans-blobs";
    }

    @Override
    public String id() {
        return "java/tribuo";
    }

    /**
     * What {@code load} produces: the data matrix (checked {@code <f8}, n × d, finite, n ≥ k) and Tribuo's form
     * of it, which a Tribuo user must build before training: one {@code ArrayExample} per row (features x0..x(d-1),
     * zero-padded so that Tribuo's name order is the column order, output unassigned) in a {@code MutableDataset}.
     */
    private record Loaded(double[] x, int n, int d, String[] names, MutableDataset<ClusterID> dataset) {
        static Loaded of(RunSpec spec, int k) throws Exception {
            NdArray a = ClassicalSpecs.kmeansPoints(spec, k);
            int n = a.shape()[0];
            int d = a.shape()[1];
            String[] names = TribuoSupport.columnNames("x", d);
            List<Example<ClusterID>> rows = TribuoSupport.examples(a.values(), n, names,
                    r -> ClusteringFactory.UNASSIGNED_CLUSTER_ID);
            return new Loaded(a.values(), n, d, names,
                    TribuoSupport.dataset("kmeans-blobs data", new ClusteringFactory(), rows));
        }
    }

    /** Counts the trainer's per-iteration log records; passes warnings on to stderr. */
    private static final class IterationLog extends Handler {
        int iterations;
        boolean converged;

        void reset() {
            iterations = 0;
            converged = false;
        }

        @Override
        public void publish(LogRecord record) {
            String message = record.getMessage();
            if (message == null) {
                return;
            }
            Matcher m = ITERATION.matcher(message);
            if (m.find()) {
                iterations++;
            } else if (CONVERGED.matcher(message).find()) {
                converged = true;
            } else if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                System.err.println(record.getLevel() + " " + record.getLoggerName() + ": " + message);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        KmeansBlobsTask.Params p = ClassicalSpecs.kmeansParams(run);
        int k = p.k();
        int maxIter = p.maxIter();
        TribuoSupport.quietLogging();
        IterationLog log = new IterationLog();
        Logger trainerLog = TribuoSupport.keep(Logger.getLogger(KMeansTrainer.class.getName()));
        trainerLog.setLevel(Level.INFO);
        trainerLog.setUseParentHandlers(false);
        trainerLog.addHandler(log);

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, k));
        Loaded data = loaded[0];

        KMeansTrainer trainer = new KMeansTrainer(k, maxIter, DistanceType.L2.getDistance(),
                KMeansTrainer.Initialisation.PLUSPLUS, spec.threads(), SEED);
        KMeansModel[] fitted = new KMeansModel[1];
        PhaseMeter.Body fit = () -> {
            log.reset();
            // invocationCount 0 resets the trainer's RNG: every repetition draws the same k-means++ centroids
            fitted[0] = trainer.train(data.dataset(), Map.of(), 0);
        };
        run.phase("fit", 1, fit, () -> Map.of("centroids", NdArray.f64(centroids(fitted[0], data.names(), k), k, data.d())));
        KMeansModel model = fitted[0];
        int iterations = log.iterations;
        boolean converged = log.converged;

        int[] labels = new int[data.n()];
        PhaseMeter.Body predictBatch = () -> {
            List<Prediction<ClusterID>> predictions = model.predict(data.dataset());
            for (int i = 0; i < labels.length; i++) {
                labels[i] = predictions.get(i).getOutput().getID();
            }
        };
        run.phase("predict_batch", 1, predictBatch, () -> Map.of("labels", NdArray.labels(labels)));

        double[] centroids = centroids(model, data.names(), k);
        TribuoSupport.report(run, model);
        run.hyperparameter("k", Integer.parseInt(TribuoSupport.setting(model, "centroids")));
        run.hyperparameter("max_iter", Integer.parseInt(TribuoSupport.setting(model, "iterations")));
        run.hyperparameter("algorithm", "lloyd");
        run.hyperparameter("init", "k-means++ seed " + TribuoSupport.setting(model, "seed") + " ("
                + TribuoSupport.setting(model, "initialisationType").toLowerCase(java.util.Locale.ROOT) + ", Tribuo)");
        run.hyperparameter("tol", 0.0); // Tribuo iterates until no assignment changes: scikit-learn's tol=0 criterion
        run.manifest("threads.compute", Integer.parseInt(TribuoSupport.setting(model, "numThreads")));
        run.notRead("init");
        run.threadKnob("tribuo.KMeansTrainer.numThreads", TribuoSupport.hyperparameters(model).get("numThreads"));
        run.note("Tribuo's KMeansTrainer cannot take user-supplied initial centroids: the 'init' input is not used; "
                + "its own k-means++ initialisation (seed " + SEED + ") is, so the row is compared at result level");
        if (iterations > 0) {
            run.metric("n_iter", iterations);
            if (!converged) {
                run.note("stopped at max_iter = " + maxIter + " before the labels settled");
            }
        } else {
            run.note("n_iter not reported: no per-iteration log record of KMeansTrainer was seen");
        }
        int[] sizes = new int[k];
        for (int label : labels) {
            sizes[label]++;
        }
        for (int j = 0; j < k; j++) {
            if (sizes[j] == 0) {
                run.note("cluster " + j + " has no rows (Tribuo leaves its centroid at the zero vector)");
            }
        }
        run.metric("inertia", inertia(data.x(), data.d(), labels, centroids));
        run.output("centroids", NdArray.f64(centroids, k, data.d()));
        run.output("labels", NdArray.labels(labels));
    }

    /** The model's centroids as a row-major k × d matrix in the data's column order. */
    private static double[] centroids(KMeansModel model, String[] names, int k) {
        DenseVector[] vectors = model.getCentroidVectors();
        ImmutableFeatureMap ids = model.getFeatureIDMap();
        int d = names.length;
        double[] out = new double[k * d];
        for (int j = 0; j < k; j++) {
            for (int c = 0; c < d; c++) {
                out[j * d + c] = vectors[j].get(ids.getID(names[c]));
            }
        }
        return out;
    }

    /** Sum of squared distances of every row to its assigned centroid, in f64. */
    static double inertia(double[] x, int d, int[] labels, double[] centroids) {
        double sum = 0;
        for (int i = 0; i < labels.length; i++) {
            for (int c = 0; c < d; c++) {
                double diff = x[i * d + c] - centroids[labels[i] * d + c];
                sum += diff * diff;
            }
        }
        return sum;
    }
}
