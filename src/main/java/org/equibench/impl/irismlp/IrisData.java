package org.equibench.impl.irismlp;

import java.nio.file.Path;
import java.util.List;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.data.NumericCsv;
import org.equibench.protocol.RunSpec;
import org.equibench.task.IrisMlpTask;

/**
 * The iris-mlp inputs as every implementation must see them: CSV rows in the harness's split order,
 * z-scored with the training mean and population standard deviation, and the initial weights.
 * Row-major double arrays. Reading all of it is the {@code load} phase.
 */
public record IrisData(double[] trainX, int[] trainY, double[] testX, int[] testY,
                       double[] w1, double[] b1, double[] w2, double[] b2) {
    public static final int FEATURES = 4;
    public static final int CLASSES = 3;
    static final List<String> HEADER = List.of("sepal_length", "sepal_width", "petal_length", "petal_width", "species");

    public int trainRows() {
        return trainY.length;
    }

    public int testRows() {
        return testY.length;
    }

    public static IrisData load(RunSpec spec, int nTrain) throws Exception {
        NumericCsv csv = NumericCsv.read(Path.of(spec.input("data")), HEADER);
        int[] labels = csv.labels(FEATURES, CLASSES);
        long[] split = Npy.read(Path.of(spec.input("split"))).asLongs();
        if (split.length != csv.rowCount()) {
            throw new IllegalArgumentException("split has " + split.length + " indices but the CSV has " + csv.rowCount() + " rows");
        }
        double[] trainX = csv.select(split, 0, nTrain, 0, FEATURES);
        double[] testX = csv.select(split, nTrain, split.length, 0, FEATURES);
        int[] trainY = new int[nTrain];
        int[] testY = new int[split.length - nTrain];
        for (int i = 0; i < split.length; i++) {
            int y = labels[(int) split[i]];
            if (i < nTrain) {
                trainY[i] = y;
            } else {
                testY[i - nTrain] = y;
            }
        }
        standardize(trainX, testX, nTrain);
        return new IrisData(trainX, trainY, testX, testY,
                weights(spec, "W1"), weights(spec, "b1"), weights(spec, "W2"), weights(spec, "b2"));
    }

    /** The {@code load} phase of a Java row: what it reads is what every later phase uses. */
    static IrisData loadPhase(org.equibench.impl.core.JavaRun run, IrisMlpTask.Params params) throws Exception {
        IrisData[] loaded = new IrisData[1];
        run.phase("load", 1, () -> loaded[0] = load(run.spec(), params.nTrain()));
        return loaded[0];
    }

    /** z-score both matrices in place with the train mean and population (ddof = 0) standard deviation. */
    private static void standardize(double[] train, double[] test, int nTrain) {
        for (int f = 0; f < FEATURES; f++) {
            double sum = 0;
            for (int r = 0; r < nTrain; r++) {
                sum += train[r * FEATURES + f];
            }
            double mean = sum / nTrain;
            double sq = 0;
            for (int r = 0; r < nTrain; r++) {
                double d = train[r * FEATURES + f] - mean;
                sq += d * d;
            }
            double std = Math.sqrt(sq / nTrain);
            for (int r = 0; r < nTrain; r++) {
                train[r * FEATURES + f] = (train[r * FEATURES + f] - mean) / std;
            }
            for (int r = 0; r < test.length / FEATURES; r++) {
                test[r * FEATURES + f] = (test[r * FEATURES + f] - mean) / std;
            }
        }
    }

    private static double[] weights(RunSpec spec, String role) throws java.io.IOException {
        return Npy.read(Path.of(spec.input(role))).values();
    }

    /** The manifest's hp.* of the protocol's plain SGD, for rows whose code fixes them (no framework object). */
    static void reportPlainSgd(org.equibench.impl.core.JavaRun run) {
        IrisMlpTask.Params params = run.params(IrisMlpTask.Params.class);
        run.hyperparameter("epochs", params.epochs());
        run.hyperparameter("batch_size", params.batchSize());
        run.hyperparameter("learning_rate", params.learningRate());
        run.hyperparameter("hidden", params.hidden());
        run.hyperparameter("momentum", 0.0);
        run.hyperparameter("nesterov", false);
        run.hyperparameter("l2", 0.0);
        run.hyperparameter("shuffle", false);
        run.hyperparameter("early_stopping", "none");
        run.hyperparameter("activation", "relu");
        run.hyperparameter("init", "injected");
    }

    NdArray trainMatrix() {
        return NdArray.f64(trainX, trainRows(), FEATURES);
    }

    static double accuracy(int[] predicted, int[] actual) {
        int hits = 0;
        for (int i = 0; i < actual.length; i++) {
            if (predicted[i] == actual[i]) {
                hits++;
            }
        }
        return (double) hits / actual.length;
    }
}
