package org.equibench.check;

import org.assertj.core.api.AbstractAssert;
import org.equibench.data.NdArray;

/** AssertJ assertions for output arrays: {@code NdArrayAssert.assertThat(w).hasMaxAbsDiffAtMost(ref, 1e-9)}. */
public final class NdArrayAssert extends AbstractAssert<NdArrayAssert, NdArray> {

    private NdArrayAssert(NdArray actual) {
        super(actual, NdArrayAssert.class);
    }

    public static NdArrayAssert assertThat(NdArray actual) {
        return new NdArrayAssert(actual);
    }

    public NdArrayAssert hasSameShapeAs(NdArray expected) {
        isNotNull();
        if (!java.util.Arrays.equals(actual.shape(), expected.shape())) {
            failWithMessage("%s: expected shape %s but was %s", descriptionText(), expected.shapeText(), actual.shapeText());
        }
        return this;
    }

    public NdArrayAssert hasMaxAbsDiffAtMost(NdArray expected, double tolerance) {
        hasSameShapeAs(expected);
        double d = ArrayComparison.maxAbsDiff(actual, expected);
        if (!(d <= tolerance)) {
            failWithMessage("%s: max |actual - expected| = %s exceeds tolerance %s", descriptionText(), d, tolerance);
        }
        return this;
    }

    public NdArrayAssert hasMaxRelDiffAtMost(NdArray expected, double tolerance) {
        hasSameShapeAs(expected);
        double d = ArrayComparison.maxRelDiff(actual, expected);
        if (!(d <= tolerance)) {
            failWithMessage("%s: max relative difference = %s exceeds tolerance %s", descriptionText(), d, tolerance);
        }
        return this;
    }

    public NdArrayAssert hasSameLabelsAs(NdArray expected) {
        hasSameShapeAs(expected);
        int n = ArrayComparison.labelMismatches(actual, expected);
        if (n != 0) {
            failWithMessage("%s: %s of %s labels differ from the reference", descriptionText(), n, actual.size());
        }
        return this;
    }

    public NdArrayAssert isSamePartitionAs(NdArray expected, double minAdjustedRandIndex) {
        hasSameShapeAs(expected);
        double ari = ArrayComparison.adjustedRandIndex(actual, expected);
        if (!(ari >= minAdjustedRandIndex)) {
            failWithMessage("%s: adjusted Rand index %s is below %s", descriptionText(), ari, minAdjustedRandIndex);
        }
        return this;
    }
}
