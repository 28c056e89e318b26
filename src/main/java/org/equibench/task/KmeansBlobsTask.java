package org.equibench.task;

import org.equibench.check.OutputCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.data.InputFiles;
import org.equibench.data.NdArray;
import org.equibench.data.SeededGenerators;
import org.equibench.protocol.InputFile;

/**
 * Seed-002 §3.1 clustering: Lloyd's k-means (k = 8) on make_blobs-style Gaussian blobs, from shared k-means++
 * initial centroids, run to the fixed point. The blobs overlap as scikit-learn's defaults make them, so Lloyd's
 * algorithm iterates (tens of iterations at full scale) and has several local optima.
 * <p>
 * Rows that take the shared centroids and run Lloyd's reach the same fixed point in the same number of
 * iterations. Rows that cannot take them (their own k-means++ draw) or that run another update (linfa's damped
 * one) may end in another local optimum: they are checked for being a fixed point of Lloyd's algorithm on the
 * task's data, which any right k-means result is, and their inertia and partition are reported beside it.
 */
public final class KmeansBlobsTask extends ClassicalTask {
    static final long SEED = 42;
    static final int K = 8;
    /** scikit-learn's make_blobs defaults: two features, centres uniform in [-10, 10]², σ = 1. */
    static final int FEATURES = 2;
    static final double BOX = 10.0;
    static final double SPREAD = 1.0;
    private static final String SAME_LLOYD =
            "same Lloyd iterations from the same centroids to the same fixed point; only summation order differs";
    private static final String OWN_INIT = "the library draws its own initial centroids and may end in another local "
            + "optimum of the overlapping blobs: right if its result is a fixed point of Lloyd's algorithm on the task's "
            + "data (to round-off); inertia and partition against the reference are reported beside it";
    private static final String DAMPED = "linfa's update is damped (the old centroid counts as one more member), not "
            + "Lloyd's: it agrees with Lloyd's only at a fixed point, which it may reach elsewhere; right if its result is "
            + "a fixed point of Lloyd's algorithm on the task's data (to round-off)";
    /** Round-off in a member mean: sums of up to n points of magnitude max |x| in f64, in any order. */
    static final double MEAN_GAP = 1e-9;
    /** The rows that take the shared centroids and run Lloyd's update. */
    private static final java.util.Set<String> SHARED_INIT_LLOYD = java.util.Set.of("python/sklearn", "java/pure", "java/smile");

    @Override
    public String id() {
        return "kmeans-blobs";
    }

    @Override
    public int order() {
        return 40;
    }

    @Override
    public String title() {
        return "Lloyd's k-means, k = 8, on overlapping Gaussian blobs (CI 10,000 × 2; full 200,000 × 2)";
    }

    @Override
    public String dataset() {
        return "generated stand-in by design: 8 Gaussian blobs as scikit-learn's make_blobs draws them by default "
                + "(centres uniform in [-10, 10]², σ = 1, so neighbouring blobs overlap; seed 42), the seed plan's data";
    }

    @Override
    public boolean inputsDependOnScale() {
        return true;
    }

    @Override
    public List<Implementation> implementations() {
        String ownInit = "own seeded initialisation (no user-supplied centroids): checked as a fixed point of Lloyd's "
                + "algorithm, compared on time per iteration, not total time";
        return List.of(
                Implementation.of("python/sklearn", "scikit-learn KMeans (lloyd, n_init=1, tol=0, shared init)", "f64"),
                Implementation.of("java/tribuo", "Tribuo KMeansTrainer (k-means++, 1 thread)", "f64").withNote(ownInit),
                Implementation.of("java/smile", "Smile BBD-tree Lloyd iterations (shared init)", "f64"),
                Implementation.of("java/pure", "plain Java Lloyd (double[] loops, shared init)", "f64"),
                Implementation.of("rust/linfa", "linfa-clustering KMeans (precomputed init)", "f64").withNote("not Lloyd's "
                        + "algorithm: linfa's damped update (the old centroid counts as a member) takes other and more "
                        + "iterations to a fixed point, so its time per iteration is another algorithm's"),
                Implementation.of("rust/smartcore", "smartcore KMeans", "f64").withNote(ownInit));
    }

    @Override
    public List<String> phases() {
        return List.of("load", "fit", "predict_batch");
    }

    @Override
    public List<String> outputs() {
        return List.of("centroids", "labels");
    }

    @Override
    public Map<String, List<String>> verifiedOutputs() {
        return Map.of("fit", List.of("centroids"), "predict_batch", List.of("labels"));
    }

    @Override
    public List<OutputCheck> checks(Implementation impl) {
        if (SHARED_INIT_LLOYD.contains(impl.id())) {
            return List.of(
                    OutputCheck.maxAbs("centroids", 1e-9, SAME_LLOYD),
                    OutputCheck.sameLabels("labels", SAME_LLOYD),
                    OutputCheck.metricRel("inertia", 1e-12, SAME_LLOYD),
                    OutputCheck.metricAbs("n_iter", 0, SAME_LLOYD));
        }
        return OutputCheck.lloydFixedPoint("centroids", "labels", MEAN_GAP, impl.id().equals("rust/linfa") ? DAMPED : OWN_INIT);
    }

    @Override
    public Map<String, String> declaredDifferences(Implementation impl) {
        String ownInit = "cannot take user-supplied centroids: draws its own k-means++ start (seed 42)";
        return switch (impl.id()) {
            case "rust/linfa" -> Map.of("hp.tol", "linfa's tolerance is an absolute centroid shift and must be > 0: the "
                    + "smallest positive double stops only on an exactly unchanged shift, as scikit-learn's tol=0 does");
            case "java/tribuo", "rust/smartcore" -> Map.of(
                    "hp.init", ownInit,
                    "input.init.sha256", "the shared initial centroids are not read: the library " + ownInit);
            default -> Map.of();
        };
    }

    /** The spec's params of this task. */
    public record Params(int k, int maxIter) implements TaskParams {
    }

    @Override
    public List<InputDeclaration> inputs() {
        return List.of(
                InputDeclaration.npy("data", "<f8", "the points, n × 2 (CI 10,000, full 200,000)", null, null),
                InputDeclaration.npy("init", "<f8", "k-means++ centroids chosen by the harness (seed 42), k × d", "k", null));
    }

    @Override
    public Params params(Scale scale) {
        return new Params(K, 300);
    }

    @Override
    public Map<String, InputFile> prepare(Path root, Path dir, Scale scale) throws IOException {
        int n = scale == Scale.FULL ? 200_000 : 10_000;
        int d = FEATURES;
        double[] points = SeededGenerators.gaussianBlobs(n, d, K, BOX, SPREAD, 0.0, SEED);
        double[] init = SeededGenerators.kMeansPlusPlus(points, d, K, SEED);
        Map<String, InputFile> files = new LinkedHashMap<>();
        files.put("data", InputFiles.write(dir.resolve("blobs.npy"), NdArray.f64(points, n, d)));
        files.put("init", InputFiles.write(dir.resolve("init_centroids.npy"), NdArray.f64(init, K, d)));
        return files;
    }

    @Override
    public List<ReportColumn> reportColumns() {
        List<ReportColumn> columns = new ArrayList<>(List.of(
                ReportColumn.number("Result", "inertia", "inertia"),
                ReportColumn.number("Result", "iterations", "n_iter"),
                ReportColumn.time("Time", "fit", "fit"),
                ReportColumn.timePer("Time", "fit per iteration", "fit", "n_iter"),
                ReportColumn.time("Time", "predict all rows", "predict_batch")));
        columns.addAll(ReportColumn.memoryOf("Memory", "fit"));
        return columns;
    }
}
