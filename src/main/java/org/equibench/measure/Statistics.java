package org.equibench.measure;

import java.util.Arrays;
import java.util.List;

/** Order statistics of a sample; percentiles interpolate linearly between order statistics (NumPy's default). */
public final class Statistics {
    private Statistics() {
    }

    public static double median(double[] values) {
        return percentile(values, 50);
    }

    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow();
    }

    public static double[] toDoubles(List<Long> values, double divisor) {
        return values.stream().mapToDouble(v -> v / divisor).toArray();
    }
}
