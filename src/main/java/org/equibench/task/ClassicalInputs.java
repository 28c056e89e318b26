package org.equibench.task;

import java.io.IOException;
import java.nio.file.Path;
import org.equibench.data.InputFiles;
import org.equibench.data.NdArray;
import org.equibench.data.SeededGenerators;
import org.equibench.runner.RunSpec.InputFile;

/** Inputs shared by the classical ML tasks: a CSV data file and an 80/20 split by a seeded permutation. */
final class ClassicalInputs {
    static final long SEED = 42;

    private ClassicalInputs() {
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
