package org.equibench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CIFAR-10 stand-in: the real binary format, reproducible bytes, and the statistics the harness hands out. */
class SyntheticCifar10Test {
    @TempDir
    Path dir;

    @Test
    void writesTheBinaryFormatWithLabelsZeroToNine() throws IOException {
        new SyntheticCifar10(5).write(dir, 40, 30);
        for (String name : SyntheticCifar10.TRAIN_FILES) {
            assertThat(Files.size(dir.resolve(name))).isEqualTo(40L * 3073);
        }
        byte[] test = Files.readAllBytes(dir.resolve(SyntheticCifar10.TEST_FILE));
        assertThat(test).hasSize(30 * 3073);
        java.util.Set<Integer> labels = new java.util.TreeSet<>();
        for (int r = 0; r < 30; r++) {
            labels.add((int) test[r * 3073]);
        }
        assertThat(labels).allSatisfy(label -> assertThat(label).isBetween(0, 9)).hasSizeGreaterThan(5);
    }

    @Test
    void theSameSeedWritesTheSameBytesAndAnotherSeedOthers() throws IOException {
        new SyntheticCifar10(5).write(dir.resolve("a"), 8, 8);
        new SyntheticCifar10(5).write(dir.resolve("b"), 8, 8);
        new SyntheticCifar10(6).write(dir.resolve("c"), 8, 8);
        byte[] a = Files.readAllBytes(dir.resolve("a/data_batch_3.bin"));
        assertThat(Files.readAllBytes(dir.resolve("b/data_batch_3.bin"))).isEqualTo(a);
        assertThat(Files.readAllBytes(dir.resolve("c/data_batch_3.bin"))).isNotEqualTo(a);
    }

    /** Mean and population std of pixel/255 per channel, over the first n training records in file order. */
    @Test
    void channelStatisticsMatchADirectComputation() throws IOException {
        new SyntheticCifar10(5).write(dir, 4, 2);
        int n = 6; // all of data_batch_1 and half of data_batch_2
        double[] sum = new double[3];
        double[] sumSq = new double[3];
        for (int r = 0; r < n; r++) {
            byte[] file = Files.readAllBytes(dir.resolve(SyntheticCifar10.TRAIN_FILES[r / 4]));
            for (int c = 0; c < 3; c++) {
                for (int p = 0; p < 1024; p++) {
                    double v = (file[(r % 4) * 3073 + 1 + c * 1024 + p] & 0xff) / 255.0;
                    sum[c] += v;
                    sumSq[c] += v * v;
                }
            }
        }
        double[][] stats = SyntheticCifar10.channelStats(dir, n);
        for (int c = 0; c < 3; c++) {
            double mean = sum[c] / (n * 1024);
            assertThat(stats[0][c]).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(stats[1][c]).isCloseTo(Math.sqrt(sumSq[c] / (n * 1024) - mean * mean),
                    org.assertj.core.data.Offset.offset(1e-9));
        }
        assertThatThrownBy(() -> SyntheticCifar10.channelStats(dir, 21)).hasMessageContaining("20 records, fewer than n_train = 21");
    }
}
