package org.equibench.check;

import java.util.Arrays;
import org.equibench.data.NdArray;

/** The distance measures between an output and its reference. Shapes must match; NaN anywhere gives NaN. */
public final class ArrayComparison {
    private ArrayComparison() {
    }

    public static double maxAbsDiff(NdArray actual, NdArray expected) {
        requireSameShape(actual, expected);
        double max = 0;
        for (int i = 0; i < actual.size(); i++) {
            double d = Math.abs(actual.values()[i] - expected.values()[i]);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    /** max |a - r| / |r|, with |r| floored at the smallest normal double so exact zeros do not divide by zero. */
    public static double maxRelDiff(NdArray actual, NdArray expected) {
        requireSameShape(actual, expected);
        double max = 0;
        for (int i = 0; i < actual.size(); i++) {
            double r = expected.values()[i];
            double d = Math.abs(actual.values()[i] - r) / Math.max(Math.abs(r), Double.MIN_NORMAL);
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            max = Math.max(max, d);
        }
        return max;
    }

    public static int labelMismatches(NdArray actual, NdArray expected) {
        requireSameShape(actual, expected);
        int n = 0;
        for (int i = 0; i < actual.size(); i++) {
            if (actual.values()[i] != expected.values()[i]) {
                n++;
            }
        }
        return n;
    }

    public static double labelAgreement(NdArray actual, NdArray expected) {
        return 1.0 - (double) labelMismatches(actual, expected) / actual.size();
    }

    /**
     * Adjusted Rand index (Hubert &amp; Arabie 1985) of two labelings: 1 for the same partition whatever the
     * cluster numbering, about 0 for chance agreement.
     */
    public static double adjustedRandIndex(NdArray actual, NdArray expected) {
        requireSameShape(actual, expected);
        java.util.Map<Long, Long> pairs = new java.util.HashMap<>();
        java.util.Map<Long, Long> rows = new java.util.HashMap<>();
        java.util.Map<Long, Long> cols = new java.util.HashMap<>();
        for (int i = 0; i < actual.size(); i++) {
            long a = (long) actual.values()[i];
            long b = (long) expected.values()[i];
            pairs.merge(a * 1_000_003L + b, 1L, Long::sum);
            rows.merge(a, 1L, Long::sum);
            cols.merge(b, 1L, Long::sum);
        }
        double index = pairs.values().stream().mapToDouble(ArrayComparison::choose2).sum();
        double sumRows = rows.values().stream().mapToDouble(ArrayComparison::choose2).sum();
        double sumCols = cols.values().stream().mapToDouble(ArrayComparison::choose2).sum();
        double expectedIndex = sumRows * sumCols / choose2(actual.size());
        double maxIndex = (sumRows + sumCols) / 2;
        return maxIndex == expectedIndex ? 1.0 : (index - expectedIndex) / (maxIndex - expectedIndex);
    }

    private static double choose2(long n) {
        return n * (n - 1) / 2.0;
    }

    static void requireSameShape(NdArray actual, NdArray expected) {
        if (!Arrays.equals(actual.shape(), expected.shape())) {
            throw new ShapeMismatchException("shape " + actual.shapeText() + " differs from the reference's " + expected.shapeText());
        }
    }

    /** Outputs of different shapes cannot be compared at all. */
    public static final class ShapeMismatchException extends IllegalArgumentException {
        public ShapeMismatchException(String message) {
            super(message);
        }
    }
}
