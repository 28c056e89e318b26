package org.equibench.measure;

import java.util.SplittableRandom;

/**
 * Percentile-bootstrap 95% confidence intervals for a median, the ratio of two medians and the ratio of two such
 * ratios, every sample set resampled independently. Seeded, so a report regenerated from the same results is
 * identical.
 *
 * <p>A sample set is given as its processes' samples, one array per process. With several processes the bootstrap
 * has two levels: processes are drawn with replacement first, then samples within each drawn process. The process
 * is the unit that varies (a JVM's JIT outcome, the machine's state when it ran): pooling the samples of three
 * processes as if they were independent would give an interval far narrower than the next run's spread.
 */
public final class Bootstrap {
    private static final int RESAMPLES = 2000;
    private static final long SEED = 42;

    private Bootstrap() {
    }

    public static double[] medianCi95(double[] samples) {
        return medianCi95(new double[][] {samples});
    }

    public static double[] medianCi95(double[][] processes) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] medians = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            medians[r] = Statistics.median(resample(processes, rng));
        }
        return interval(medians);
    }

    public static double[] ratioOfMediansCi95(double[] numerator, double[] denominator) {
        return ratioOfMediansCi95(new double[][] {numerator}, new double[][] {denominator});
    }

    public static double[] ratioOfMediansCi95(double[][] numerator, double[][] denominator) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] ratios = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            ratios[r] = Statistics.median(resample(numerator, rng)) / Statistics.median(resample(denominator, rng));
        }
        return interval(ratios);
    }

    /**
     * The CI of (median(a) ÷ median(b)) ÷ (median(c) ÷ median(d)): a row's change between two runs divided by its
     * baseline row's change.
     */
    public static double[] ratioOfRatiosCi95(double[][] a, double[][] b, double[][] c, double[][] d) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] ratios = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double row = Statistics.median(resample(a, rng)) / Statistics.median(resample(b, rng));
            ratios[r] = row / (Statistics.median(resample(c, rng)) / Statistics.median(resample(d, rng)));
        }
        return interval(ratios);
    }

    private static double[] interval(double[] estimates) {
        return new double[] {Statistics.percentile(estimates, 2.5), Statistics.percentile(estimates, 97.5)};
    }

    /** One resample of a sample set: its processes drawn with replacement, then samples within each. */
    private static double[] resample(double[][] processes, SplittableRandom rng) {
        if (processes.length == 1) {
            return resample(processes[0], rng);
        }
        int total = 0;
        double[][] drawn = new double[processes.length][];
        for (int i = 0; i < processes.length; i++) {
            drawn[i] = resample(processes[rng.nextInt(processes.length)], rng);
            total += drawn[i].length;
        }
        double[] out = new double[total];
        int at = 0;
        for (double[] d : drawn) {
            System.arraycopy(d, 0, out, at, d.length);
            at += d.length;
        }
        return out;
    }

    private static double[] resample(double[] x, SplittableRandom rng) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[rng.nextInt(x.length)];
        }
        return out;
    }
}
