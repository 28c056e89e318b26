package org.equibench.task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.equibench.data.InputFiles;
import org.equibench.data.NdArray;
import org.equibench.data.SeededGenerators;
import org.equibench.protocol.InputFile;

/**
 * What the classical ML tasks share: scikit-learn as reference and baseline, f64, the same phases, and
 * inputs made of a CSV data file and an 80/20 split by a seeded permutation.
 */
abstract class ClassicalTask implements Task {
    static final long SEED = 42;

    @Override
    public String family() {
        return "classical ML";
    }

    @Override
    public String referenceImpl() {
        return "python/sklearn";
    }

    @Override
    public String baselineImpl() {
        return "python/sklearn";
    }

    @Override
    public String dtype() {
        return "f64";
    }

    @Override
    public List<String> phases() {
        return List.of("load", "fit", "predict_batch", "predict_single");
    }

    /** A supervised task's inputs: its CSV data file and the permutation of its rows. */
    static List<InputDeclaration> csvAndSplit(String dataDescription, int rows) {
        return List.of(
                InputDeclaration.csv("data", dataDescription),
                InputDeclaration.npy("split", "<i8", "permutation of the data rows (seed 42)", rows));
    }

    static InputFile csv(Path root, String name) throws IOException {
        return InputFiles.describe(root.resolve("data/raw").resolve(name), "csv");
    }

    static InputFile split(Path dir, int rows) throws IOException {
        return InputFiles.write(dir.resolve("split.npy"), NdArray.labels(SeededGenerators.permutation(rows, SEED)));
    }

    /** Training rows of an 80/20 split: the test share is rounded up, as scikit-learn's train_test_split does. */
    static int trainRows(int rows) {
        return rows - (int) Math.ceil(rows * 0.2);
    }
}
