package org.equibench.impl.classical;

import java.nio.file.Path;
import java.util.List;
import org.equibench.data.NumericCsv;
import org.equibench.protocol.RunSpec;

/**
 * The rows of a classical task's CSV as every implementation must see them (PROTOCOL.md, "Classical ML
 * tasks"): raw features, no scaling; train rows {@code split[:n_train]} and test rows {@code split[n_train:]},
 * in that order. The last column is the target: a double for a regression task, or a class index checked to
 * be one of {@code 0..numClasses-1}, with the file and line of any bad cell. Row-major double arrays.
 */
record SplitTable(List<String> featureNames, double[] trainX, double[] trainY, double[] testX, double[] testY) {

    /** A regression target: every finite double. */
    static final int REGRESSION = 0;

    int features() {
        return featureNames.size();
    }

    int trainRows() {
        return trainY.length;
    }

    int testRows() {
        return testY.length;
    }

    /**
     * Reads the spec's {@code data} CSV (its header must be {@code columns}) and {@code split}, and checks
     * {@code nTrain} and {@code singleRows} (the spec's params) against them.
     *
     * @param numClasses the size of the class set of the target column, or {@link #REGRESSION}
     */
    static SplitTable load(RunSpec spec, int nTrain, int singleRows, List<String> columns, int numClasses) throws Exception {
        Path dataFile = Path.of(spec.input("data"));
        NumericCsv csv = NumericCsv.read(dataFile, columns);
        int target = columns.size() - 1;
        if (numClasses != REGRESSION) {
            csv.labels(target, numClasses); // names the line of the first label outside the class set
        }
        int rows = csv.rowCount();
        long[] split = InputArrays.split(Path.of(spec.input("split")), rows);
        ClassicalSpecs.require(nTrain >= 1 && nTrain < rows, "params.n_train is " + nTrain + ", but " + dataFile.getFileName()
                + " has only " + rows + " rows");
        ClassicalSpecs.require(singleRows >= 1 && singleRows <= rows - nTrain, "params.single_rows is " + singleRows
                + ", but there are only " + (rows - nTrain) + " test rows");
        return new SplitTable(columns.subList(0, target),
                csv.select(split, 0, nTrain, 0, target), csv.select(split, 0, nTrain, target, 1),
                csv.select(split, nTrain, rows, 0, target), csv.select(split, nTrain, rows, target, 1));
    }

    /** A class target as ints (exact: {@link #load} checked every value is one of the classes). */
    static int[] classes(double[] y) {
        int[] out = new int[y.length];
        for (int i = 0; i < y.length; i++) {
            out[i] = (int) y[i];
        }
        return out;
    }
}
