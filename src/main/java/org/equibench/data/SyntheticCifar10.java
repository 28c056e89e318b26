package org.equibench.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * A seeded, class-structured stand-in for CIFAR-10, written in its binary format: records of one label byte and
 * 3,072 pixel bytes (red, green, blue planes of 32 × 32, row-major). Each class has its own smooth colour pattern
 * (a few 2-D cosines per channel); an image is its class's pattern shifted by up to three pixels, plus a weaker
 * copy of another class's pattern, a brightness offset and pixel noise. A CNN learns it in a few hundred steps, but
 * not perfectly, so test accuracy can differ between rows and is worth comparing.
 */
public final class SyntheticCifar10 {
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PIXELS = CHANNELS * SIDE * SIDE;
    public static final int RECORD_BYTES = 1 + PIXELS;
    public static final int CLASSES = 10;
    public static final String[] TRAIN_FILES = {"data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
            "data_batch_4.bin", "data_batch_5.bin"};
    public static final String TEST_FILE = "test_batch.bin";

    private static final int WAVES = 3;
    private static final int MAX_SHIFT = 3;
    private static final int PAD = SIDE + 2 * MAX_SHIFT;

    private final double[][] patterns; // per class, CHANNELS × PAD × PAD, so shifted windows stay inside
    private final long seed;

    public SyntheticCifar10(long seed) {
        this.seed = seed;
        SplittableRandom rng = new SplittableRandom(seed);
        patterns = new double[CLASSES][];
        for (int k = 0; k < CLASSES; k++) {
            patterns[k] = pattern(rng);
        }
    }

    private static double[] pattern(SplittableRandom rng) {
        double[] p = new double[CHANNELS * PAD * PAD];
        for (int c = 0; c < CHANNELS; c++) {
            for (int wave = 0; wave < WAVES; wave++) {
                double fy = rng.nextDouble(0, 3) * 2 * Math.PI / SIDE;
                double fx = rng.nextDouble(0, 3) * 2 * Math.PI / SIDE;
                double phase = rng.nextDouble(0, 2 * Math.PI);
                double amplitude = rng.nextDouble(5, 12);
                for (int y = 0; y < PAD; y++) {
                    for (int x = 0; x < PAD; x++) {
                        p[(c * PAD + y) * PAD + x] += amplitude * Math.cos(fy * y + fx * x + phase);
                    }
                }
            }
        }
        return p;
    }

    /**
     * Writes the five training files with {@code trainPerFile} records each and the test file with
     * {@code testRecords}; each file draws from its own generator, so a file's bytes do not depend on the others'.
     */
    public void write(Path dir, int trainPerFile, int testRecords) throws IOException {
        Files.createDirectories(dir);
        for (int f = 0; f < TRAIN_FILES.length; f++) {
            writeFile(dir.resolve(TRAIN_FILES[f]), trainPerFile, seed * 31 + f + 1);
        }
        writeFile(dir.resolve(TEST_FILE), testRecords, seed * 31 + 100);
    }

    private void writeFile(Path file, int records, long fileSeed) throws IOException {
        SplittableRandom rng = new SplittableRandom(fileSeed);
        byte[] record = new byte[RECORD_BYTES];
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (int r = 0; r < records; r++) {
                fill(record, rng);
                out.write(record);
            }
        }
    }

    private void fill(byte[] record, SplittableRandom rng) {
        int label = rng.nextInt(CLASSES);
        // A second class's pattern, up to as strong as the label's: where the two are near equal the image is
        // ambiguous, which keeps accuracy well below 100 % and lets rows differ on it.
        int other = (label + 1 + rng.nextInt(CLASSES - 1)) % CLASSES;
        double mix = rng.nextDouble();
        int oy = rng.nextInt(2 * MAX_SHIFT + 1);
        int ox = rng.nextInt(2 * MAX_SHIFT + 1);
        int dy = rng.nextInt(2 * MAX_SHIFT + 1);
        int dx = rng.nextInt(2 * MAX_SHIFT + 1);
        double brightness = rng.nextDouble(-40, 40);
        double[] pattern = patterns[label];
        double[] distractor = patterns[other];
        record[0] = (byte) label;
        int i = 1;
        for (int c = 0; c < CHANNELS; c++) {
            for (int y = 0; y < SIDE; y++) {
                int row = (c * PAD + y + dy) * PAD + dx;
                int otherRow = (c * PAD + y + oy) * PAD + ox;
                for (int x = 0; x < SIDE; x++) {
                    // Two uniforms: a triangular noise of ±60, cheap to draw for 184 million pixels.
                    double noise = 60 * (rng.nextDouble() - rng.nextDouble());
                    long v = Math.round(128 + brightness + pattern[row + x] + mix * distractor[otherRow + x] + noise);
                    record[i++] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
    }

    /**
     * Per-channel mean and population standard deviation of {@code pixel / 255} over the first {@code n} records of
     * the given training files, in f64: the harness computes them once and hands them to every row.
     */
    public static double[][] channelStats(Path dir, int n) throws IOException {
        double[] sum = new double[CHANNELS];
        double[] sumSq = new double[CHANNELS];
        int seen = 0;
        for (String name : TRAIN_FILES) {
            byte[] bytes = Files.readAllBytes(dir.resolve(name));
            for (int r = 0; r < bytes.length / RECORD_BYTES && seen < n; r++, seen++) {
                int base = r * RECORD_BYTES + 1;
                for (int c = 0; c < CHANNELS; c++) {
                    // Integer sums are exact, so the statistics do not depend on summation order.
                    long s = 0;
                    long s2 = 0;
                    for (int p = base + c * SIDE * SIDE, end = p + SIDE * SIDE; p < end; p++) {
                        int v = bytes[p] & 0xff;
                        s += v;
                        s2 += (long) v * v;
                    }
                    sum[c] += s;
                    sumSq[c] += s2;
                }
            }
        }
        if (seen < n) {
            throw new IOException(dir + ": the training files hold " + seen + " records, fewer than n_train = " + n);
        }
        double count = (double) n * SIDE * SIDE;
        double[] mean = new double[CHANNELS];
        double[] std = new double[CHANNELS];
        for (int c = 0; c < CHANNELS; c++) {
            double m = sum[c] / count;
            mean[c] = m / 255;
            std[c] = Math.sqrt(sumSq[c] / count - m * m) / 255;
        }
        return new double[][] {mean, std};
    }
}
