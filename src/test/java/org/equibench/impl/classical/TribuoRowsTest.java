package org.equibench.impl.classical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.protocol.InputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.slm.SLMTrainer;
import org.tribuo.regression.slm.SparseLinearModel;

class TribuoRowsTest {
    @TempDir
    Path dir;

    private static RunSpec spec(String task, List<String> phases, Map<String, InputFile> inputs, Map<String, Object> params,
                                List<String> outputs) {
        return new RunSpec(RunSpec.PROTOCOL_VERSION, task, "java/tribuo", "cpu", "f64", 1, 0, 0, 1, phases, inputs, params,
                outputs);
    }

    private static InputFile file(Path p, String kind) {
        return new InputFile(p.toString(), "unchecked", kind);
    }

    @Test
    void slmWeightsConvertBackToTheRawScaleOlsFit() throws Exception {
        // y is exactly linear in the features: OLS must give back these coefficients and intercept.
        double[] coef = {2.0, -0.5, 0.001};
        double intercept = 1.5;
        // names whose sorted order (Tribuo's feature ids) is not the column order
        List<String> names = List.of("z", "m", "a");
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
        TribuoSupport.quietLogging();
        List<Example<Regressor>> rows = TribuoSupport.examples(x, n, names.toArray(String[]::new),
                r -> new Regressor("MedHouseVal", y[r]));
        SparseLinearModel model = new SLMTrainer(true, -1)
                .train(TribuoSupport.dataset("synthetic", new RegressionFactory(), rows), Map.of(), 0);

        double[][] raw = TribuoLinregCalifornia.rawCoefficients(model, names);

        for (int j = 0; j < 3; j++) {
            assertThat(raw[0][j]).isCloseTo(coef[j], within(1e-10 * Math.max(1, Math.abs(coef[j]))));
        }
        assertThat(raw[1][0]).isCloseTo(intercept, within(1e-9));
    }

    @Test
    void splitTableKeepsTheSplitOrderAndNamesBadInput() throws Exception {
        List<String> header = TribuoLinregCalifornia.COLUMNS;
        StringBuilder csv = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < 5; r++) {
            for (int c = 0; c < header.size(); c++) {
                csv.append(c > 0 ? "," : "").append(r * 10 + c);
            }
            csv.append('\n');
        }
        Path data = Files.writeString(dir.resolve("california_housing.csv"), csv);
        Path split = dir.resolve("split.npy");
        Npy.write(split, NdArray.labels(new long[] {3, 0, 4, 1, 2}));
        Map<String, Object> params = Map.of("n_train", 3, "single_rows", 2, "fit_intercept", true);
        RunSpec spec = spec("linreg-california", List.of("load"),
                Map.of("data", file(data, "csv"), "split", file(split, "npy")), params, List.of());

        SplitTable t = SplitTable.load(spec, 3, 2, header, SplitTable.REGRESSION);

        assertThat(t.trainRows()).isEqualTo(3);
        assertThat(t.trainY()).containsExactly(38, 8, 48);
        assertThat(t.testX()).startsWith(10, 11, 12);
        assertThat(t.testY()).containsExactly(18, 28);

        Npy.write(split, NdArray.labels(new long[] {3, 0, 4, 1, 1}));
        assertThatThrownBy(() -> SplitTable.load(spec, 3, 2, header, SplitTable.REGRESSION))
                .hasMessage("split.npy: not a permutation of 0..4");
        Npy.write(split, NdArray.labels(new long[] {3, 0, 4, 1, 2}));
        Files.writeString(data, csv.toString().replace(",21,", ",21x,"));
        assertThatThrownBy(() -> SplitTable.load(spec, 3, 2, header, SplitTable.REGRESSION))
                .hasMessage("california_housing.csv line 4: column 2 (HouseAge) is not a number: '21x'");
    }

    @Test
    void kmeansRowFindsSeparatedBlobsAndCountsIterations() throws Exception {
        double[][] centres = {{0, 0}, {20, 0}, {0, 20}};
        Random rng = new Random(3);
        int perBlob = 30;
        double[] x = new double[centres.length * perBlob * 2];
        for (int b = 0; b < centres.length; b++) {
            for (int i = 0; i < perBlob; i++) {
                int row = b * perBlob + i;
                x[row * 2] = centres[b][0] + rng.nextGaussian();
                x[row * 2 + 1] = centres[b][1] + rng.nextGaussian();
            }
        }
        Path data = dir.resolve("data.npy");
        Npy.write(data, NdArray.f64(x, centres.length * perBlob, 2));
        Map<String, InputFile> inputs = new LinkedHashMap<>();
        inputs.put("data", file(data, "npy"));
        inputs.put("init", file(dir.resolve("never-read.npy"), "npy"));
        Path out = Files.createDirectories(dir.resolve("out"));
        JavaRun run = new JavaRun(spec("kmeans-blobs", List.of("load", "fit", "predict_batch"), inputs,
                Map.of("k", 3, "max_iter", 300), List.of("centroids", "labels")), out);

        new TribuoKmeansBlobs().run(run);

        RunResult result = run.result();
        assertThat(result.metrics()).containsKeys("n_iter", "inertia");
        assertThat(result.metrics().get("n_iter")).isBetween(2.0, 300.0);
        assertThat(result.notes()).anyMatch(note -> note.contains("'init' input is not used"));
        long[] labels = Npy.read(out.resolve("labels.npy")).asLongs();
        List<Long> blobLabels = new ArrayList<>();
        for (int b = 0; b < centres.length; b++) {
            for (int i = 0; i < perBlob; i++) {
                assertThat(labels[b * perBlob + i]).isEqualTo(labels[b * perBlob]);
            }
            blobLabels.add(labels[b * perBlob]);
        }
        assertThat(blobLabels).doesNotHaveDuplicates();
        assertThat(Npy.read(out.resolve("centroids.npy")).shape()).containsExactly(3, 2);
    }

    @Test
    void paddedColumnNamesSortInColumnOrder() {
        String[] names = TribuoSupport.columnNames("x", 12);
        assertThat(names).startsWith("x00", "x01").endsWith("x11");
        assertThat(names).isSorted();
    }
}
