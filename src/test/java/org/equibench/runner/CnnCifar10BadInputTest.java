package org.equibench.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.equibench.data.InputFiles;
import org.equibench.data.NdArray;
import org.equibench.data.SyntheticCifar10;
import org.equibench.task.CnnCifar10Task;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cnn-cifar10's bad inputs, through every row's real runner at CI scale (each language reads the CIFAR-10 binary
 * format with its own code): a truncated file, a label byte above 9 and initial weights of the wrong shape are
 * errors naming the file and the problem.
 */
class CnnCifar10BadInputTest {
    @TempDir
    Path dir;

    private BadInputRow row(String impl) throws IOException {
        return BadInputRow.of(new CnnCifar10Task(), impl, dir.resolve("work"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"python/torch", "java/djl", "rust/tch", "rust/candle", "rust/burn"})
    void truncatedFileIsNamedWithItsLength(String impl) throws IOException {
        BadInputRow row = row(impl);
        byte[] bytes = Files.readAllBytes(Path.of(row.spec().input("data_batch_2")));
        Path shortFile = Files.write(dir.resolve("short-batch.bin"), Arrays.copyOf(bytes, bytes.length - 1));
        assertThat(row.errorWith(dir.resolve("row"), Map.of("data_batch_2", InputFiles.describe(shortFile, "cifar-bin"))))
                .contains("short-batch.bin: " + (bytes.length - 1) + " bytes, not a whole number of 3073-byte records");
    }

    @ParameterizedTest
    @ValueSource(strings = {"python/torch", "java/djl", "rust/tch", "rust/candle", "rust/burn"})
    void labelAboveNineNamesTheRecord(String impl) throws IOException {
        BadInputRow row = row(impl);
        byte[] bytes = Files.readAllBytes(Path.of(row.spec().input("test_batch")));
        bytes[5 * SyntheticCifar10.RECORD_BYTES] = 11;
        Path badLabels = Files.write(dir.resolve("bad-labels.bin"), bytes);
        assertThat(row.errorWith(dir.resolve("row"), Map.of("test_batch", InputFiles.describe(badLabels, "cifar-bin"))))
                .contains("bad-labels.bin record 5: label byte 11, not 0..9");
    }

    /** Checked by each runner core against the declared shape, before any phase. */
    @ParameterizedTest
    @ValueSource(strings = {"python/torch", "java/djl", "rust/tch", "rust/candle", "rust/burn"})
    void initialWeightsOfTheWrongShape(String impl) throws IOException {
        BadInputRow row = row(impl);
        Path wrong = dir.resolve("conv2_weight_5x5.npy");
        NdArray kernel5 = NdArray.f64(new double[64 * 32 * 5 * 5], 64, 32, 5, 5);
        assertThat(row.errorWith(dir.resolve("row"), Map.of("conv2_weight", InputFiles.write(wrong, kernel5))))
                .contains("conv2_weight_5x5.npy: expected <f8 of shape (64, 32, 3, 3), found <f8 of shape (64, 32, 5, 5)");
    }
}
