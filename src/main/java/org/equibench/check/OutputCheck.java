package org.equibench.check;

/**
 * One declared equivalence condition: an output (array or metric), how it is compared with the reference,
 * the tolerance, and the one-line reason for that tolerance, which is shown in every report.
 */
public record OutputCheck(String output, Metric metric, double tolerance, String why) {

    public enum Metric {
        /** max |a - r| over all elements ≤ tolerance */
        MAX_ABS_DIFF("max_abs_diff"),
        /** max |a - r| / max(|r|, tiny) ≤ tolerance */
        MAX_REL_DIFF("max_rel_diff"),
        /** labels identical element by element (tolerance is the allowed number of mismatches, normally 0) */
        LABEL_MISMATCHES("label_mismatches"),
        /** fraction of equal labels ≥ tolerance */
        LABEL_AGREEMENT("label_agreement"),
        /** adjusted Rand index of the labels ≥ tolerance: the same partition up to renaming of clusters */
        ADJUSTED_RAND_INDEX("adjusted_rand_index"),
        /** |metric(a) - metric(r)| ≤ tolerance, for scalar metrics such as accuracy */
        METRIC_ABS_DIFF("metric_abs_diff"),
        /** |metric(a) - metric(r)| / |metric(r)| ≤ tolerance, for scalar metrics such as inertia */
        METRIC_REL_DIFF("metric_rel_diff");

        public final String id;

        Metric(String id) {
            this.id = id;
        }
    }

    public static OutputCheck maxAbs(String output, double tolerance, String why) {
        return new OutputCheck(output, Metric.MAX_ABS_DIFF, tolerance, why);
    }

    public static OutputCheck maxRel(String output, double tolerance, String why) {
        return new OutputCheck(output, Metric.MAX_REL_DIFF, tolerance, why);
    }

    public static OutputCheck sameLabels(String output, String why) {
        return new OutputCheck(output, Metric.LABEL_MISMATCHES, 0, why);
    }

    public static OutputCheck agreement(String output, double atLeast, String why) {
        return new OutputCheck(output, Metric.LABEL_AGREEMENT, atLeast, why);
    }

    public static OutputCheck adjustedRandIndex(String output, double atLeast, String why) {
        return new OutputCheck(output, Metric.ADJUSTED_RAND_INDEX, atLeast, why);
    }

    public static OutputCheck metricAbs(String metric, double tolerance, String why) {
        return new OutputCheck(metric, Metric.METRIC_ABS_DIFF, tolerance, why);
    }

    public static OutputCheck metricRel(String metric, double tolerance, String why) {
        return new OutputCheck(metric, Metric.METRIC_REL_DIFF, tolerance, why);
    }

    /** Whether the metric is a similarity that must reach the tolerance, rather than a distance below it. */
    public boolean isLowerBound() {
        return metric == Metric.LABEL_AGREEMENT || metric == Metric.ADJUSTED_RAND_INDEX;
    }

    /** Whether a measured value satisfies this check (a NaN never does). */
    public boolean accepts(double value) {
        return isLowerBound() ? value >= tolerance : value <= tolerance;
    }
}
