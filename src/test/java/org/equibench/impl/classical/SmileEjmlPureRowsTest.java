package org.equibench.impl.classical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmileEjmlPureRowsTest {
    @TempDir
    Path dir;

    /** Six points on a line, two clusters, started from two points of the left group. */
    private static final double[] LINE = {0, 0, 1, 0, 2, 0, 10, 0, 11, 0, 12, 0};
    private static final double[] LINE_INIT = {0, 0, 1, 0};

    @Test
    void pureLloydCountsIterationsAsScikitLearnAndReachesTheMeans() {
        PureJavaKmeansBlobs.Lloyd lloyd = new PureJavaKmeansBlobs.Lloyd(LINE, 6, 2, 2);

        lloyd.fit(LINE_INIT, 300);

        // iteration 1: {0} and {1,2,10,11,12} -> 0 and 7.2; 2: {0,1,2} and the rest -> 1 and 11; 3: labels unchanged
        assertThat(lloyd.centroids).containsExactly(1, 0, 11, 0);
        assertThat(lloyd.labels).containsExactly(0, 0, 0, 1, 1, 1);
        assertThat(lloyd.iterations).isEqualTo(3);
        assertThat(lloyd.converged).isTrue();
        assertThat(lloyd.relocations).isZero();

        lloyd.fit(LINE_INIT, 2);
        assertThat(lloyd.iterations).isEqualTo(2);
        assertThat(lloyd.converged).isFalse();
    }

    @Test
    void pureLloydRelocatesAnEmptyClusterToTheFarthestRow() {
        // both centroids start on the same point: the second gets no row in the first iteration (ties go to the
        // lowest index) and takes the row farthest from the first centroid, 12, as scikit-learn's relocation does
        PureJavaKmeansBlobs.Lloyd lloyd = new PureJavaKmeansBlobs.Lloyd(LINE, 6, 2, 2);

        lloyd.fit(new double[] {0, 0, 0, 0}, 300);

        assertThat(lloyd.relocations).isEqualTo(1);
        assertThat(lloyd.centroids).containsExactly(1, 0, 11, 0);
        assertThat(lloyd.labels).containsExactly(0, 0, 0, 1, 1, 1);
    }

    @Test
    void pureAndSmileRowsAgreeFromTheSharedInit() throws Exception {
        Random rng = new Random(5);
        double[][] centres = {{0, 0}, {30, 0}, {0, 30}, {30, 30}};
        int perBlob = 50;
        int n = centres.length * perBlob;
        double[] x = new double[n * 2];
        for (int i = 0; i < n; i++) {
            x[i * 2] = centres[i % 4][0] + rng.nextGaussian();
            x[i * 2 + 1] = centres[i % 4][1] + rng.nextGaussian();
        }
        double[] init = {x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]};
        Map<String, RunResult> results = new LinkedHashMap<>();
        Map<String, double[]> centroids = new LinkedHashMap<>();
        for (var row : List.of(new PureJavaKmeansBlobs(), new SmileKmeansBlobs())) {
            Path out = Files.createDirectories(dir.resolve(row.id().replace('/', '-')));
            Path data = out.resolve("data.npy");
            Path initFile = out.resolve("init.npy");
            Npy.write(data, NdArray.f64(x, n, 2));
            Npy.write(initFile, NdArray.f64(init, 4, 2));
            Map<String, InputFile> inputs = new LinkedHashMap<>();
            inputs.put("data", new InputFile(data.toString(), "unchecked", "npy"));
            inputs.put("init", new InputFile(initFile.toString(), "unchecked", "npy"));
            RunSpec spec = new RunSpec(RunSpec.PROTOCOL_VERSION, "kmeans-blobs", row.id(), "cpu", "f64", 1, 0, 0, 1,
                    List.of("load", "fit", "predict_batch"), inputs, Map.of("k", 4, "max_iter", 300),
                    List.of("centroids", "labels"));
            JavaRun run = new JavaRun(spec, out);
            row.run(run);
            results.put(row.id(), run.result());
            centroids.put(row.id(), Npy.read(out.resolve("centroids.npy")).values());
        }
        RunResult pure = results.get("java/pure");
        RunResult smile = results.get("java/smile");
        assertThat(smile.metrics().get("n_iter")).isEqualTo(pure.metrics().get("n_iter"));
        assertThat(smile.metrics().get("inertia")).isCloseTo(pure.metrics().get("inertia"), within(1e-9));
        double[] a = centroids.get("java/pure");
        double[] b = centroids.get("java/smile");
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i], within(1e-12));
        }
    }

    @Test
    void ejmlQrRecoversAnExactLinearModelWithIntercept() {
        double[] coef = {2.0, -0.5, 0.001};
        double intercept = 1.5;
        Random rng = new Random(7);
        int n = 200;
        double[] x = new double[n * 3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i * 3] = rng.nextGaussian() * 3 + 10;
            x[i * 3 + 1] = rng.nextDouble() * 50;
            x[i * 3 + 2] = rng.nextGaussian() * 1000 + 2000;
            y[i] = intercept + coef[0] * x[i * 3] + coef[1] * x[i * 3 + 1] + coef[2] * x[i * 3 + 2];
        }

        var fit = EjmlLinregCalifornia.fit(DMatrixRMaj.wrap(n, 3, x), DMatrixRMaj.wrap(n, 1, y));

        for (int j = 0; j < 3; j++) {
            assertThat(fit.coef().get(j, 0)).isCloseTo(coef[j], within(1e-10 * Math.max(1, Math.abs(coef[j]))));
        }
        assertThat(fit.intercept()).isCloseTo(intercept, within(1e-9));
        assertThat(fit.solver().getClass().getSimpleName()).isEqualTo("LinearSolverQrHouseCol_DDRM");
    }

    /**
     * The blocked plain-Java QR against EJML's on noisy data over several blocks and a partial one, with a column that
     * is exactly its mean throughout the first block (nothing to reflect there until later rows fill it).
     */
    @Test
    void pureJavaBlockedQrAgreesWithEjmlAndRefusesADependentColumn() {
        Random rng = new Random(5);
        int n = 1000;
        double[] x = new double[n * 3];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i * 3] = rng.nextGaussian() * 3 + 10;
            x[i * 3 + 1] = rng.nextDouble() * 5000;
            x[i * 3 + 2] = i < 300 ? 0 : (i % 2 == 0 ? 1 : -1); // mean 0: the first block's centred column is all zero
            y[i] = 1.5 + 2 * x[i * 3] - 0.5 * x[i * 3 + 1] + 3 * x[i * 3 + 2] + rng.nextGaussian();
        }

        var pure = PureJavaLinregCalifornia.fit(x, y, n, 3);
        var ejml = EjmlLinregCalifornia.fit(DMatrixRMaj.wrap(n, 3, x), DMatrixRMaj.wrap(n, 1, y));

        for (int j = 0; j < 3; j++) {
            assertThat(pure.coef()[j]).isCloseTo(ejml.coef().get(j, 0), within(1e-10 * Math.abs(ejml.coef().get(j, 0))));
        }
        assertThat(pure.intercept()).isCloseTo(ejml.intercept(), within(1e-10 * Math.abs(ejml.intercept())));

        for (int i = 0; i < n; i++) {
            x[i * 3 + 2] = 2 * x[i * 3] - x[i * 3 + 1]; // a combination of the others
        }
        assertThatThrownBy(() -> PureJavaLinregCalifornia.fit(x, y, n, 3)).hasMessageContaining("linearly dependent");
    }

    @Test
    void smileOlsRecoversAnExactLinearModelWithIntercept() {
        Random rng = new Random(11);
        int n = 100;
        double[][] rows = new double[n][3];
        for (double[] r : rows) {
            r[0] = rng.nextGaussian() * 5;
            r[1] = rng.nextDouble() * 100;
            r[2] = 3.0 + 0.25 * r[0] - 0.125 * r[1];
        }
        var model = smile.regression.OLS.fit(smile.data.formula.Formula.lhs("y"),
                smile.data.DataFrame.of(rows, "a", "b", "y"), "qr", false, false);

        assertThat(model.coefficients()).containsExactly(new double[] {0.25, -0.125}, within(1e-12));
        assertThat(model.intercept()).isCloseTo(3.0, within(1e-12));
    }
}
