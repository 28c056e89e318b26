package org.equibench.measure;

import java.util.List;
import org.apache.commons.statistics.descriptive.Quantile;

/**
 * Order statistics of a sample, by Apache Commons Statistics. Percentiles use estimation method HF7 (linear
 * interpolation between order statistics), NumPy's default, so figures match a NumPy analysis of the same
 * samples. Inputs are never modified.
 */
public final class Statistics {
    private static final Quantile QUANTILE = Quantile.withDefaults().with(Quantile.EstimationMethod.HF7).withCopy(true);

    private Statistics() {
    }

    public static double median(double[] values) {
        return percentile(values, 50);
    }

    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        return QUANTILE.evaluate(values, p / 100.0);
    }

    public static double min(double[] values) {
        return java.util.Arrays.stream(values).min().orElseThrow();
    }

    public static double[] toDoubles(List<Long> values, double divisor) {
        return values.stream().mapToDouble(v -> v / divisor).toArray();
    }
}
