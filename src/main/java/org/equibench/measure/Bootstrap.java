package org.equibench.measure;

import java.util.SplittableRandom;

/**
 * Percentile-bootstrap 95% confidence intervals for a median, the ratio of two medians and the ratio of two such
 * ratios (every sample set resampled independently). Seeded, so a report regenerated from the same results is identical.
 */
public final class Bootstrap {
    private static final int RESAMPLES = 2000;
    private static final long SEED = 42;

    private Bootstrap() {
    }

    public static double[] medianCi95(double[] samples) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] medians = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            medians[r] = Statistics.median(resample(samples, rng));
        }
        return new double[] {Statistics.percentile(medians, 2.5), Statistics.percentile(medians, 97.5)};
    }

    public static double[] ratioOfMediansCi95(double[] numerator, double[] denominator) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] ratios = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            ratios[r] = Statistics.median(resample(numerator, rng)) / Statistics.median(resample(denominator, rng));
        }
        return new double[] {Statistics.percentile(ratios, 2.5), Statistics.percentile(ratios, 97.5)};
    }

    /**
     * The CI of (median(a) ÷ median(b)) ÷ (median(c) ÷ median(d)): a row's change between two runs divided by its
     * baseline row's change, all four sample sets resampled independently.
     */
    public static double[] ratioOfRatiosCi95(double[] a, double[] b, double[] c, double[] d) {
        SplittableRandom rng = new SplittableRandom(SEED);
        double[] ratios = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            double row = Statistics.median(resample(a, rng)) / Statistics.median(resample(b, rng));
            ratios[r] = row / (Statistics.median(resample(c, rng)) / Statistics.median(resample(d, rng)));
        }
        return new double[] {Statistics.percentile(ratios, 2.5), Statistics.percentile(ratios, 97.5)};
    }

    private static double[] resample(double[] x, SplittableRandom rng) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[rng.nextInt(x.length)];
        }
        return out;
    }
}
