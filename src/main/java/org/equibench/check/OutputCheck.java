package org.equibench.check;

/**
 * One declared equivalence condition: an output (array or metric), how it is compared with the reference,
 * the tolerance, and the one-line reason for that tolerance, which is shown in every report. {@code along}
 * names a second output the comparison reads with it (token sequences: the per-step top-2 logits), else null.
 */
public record OutputCheck(String output, Metric metric, double tolerance, String why, String along) {

    public OutputCheck(String output, Metric metric, double tolerance, String why) {
        this(output, metric, tolerance, why, null);
    }

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
        METRIC_REL_DIFF("metric_rel_diff"),
        /**
         * greedy token ids [sequences, steps] identical, except where a sequence first diverges at a step whose
         * reference top-2 logit margin (from {@code along}, [sequences, steps, 2]) is a near-tie: the value is the
         * largest such margin (0 when every id agrees) and must stay ≤ tolerance
         */
        GREEDY_DIVERGENCE("margin_at_divergence"),
        /** max |a - r| over the steps of each sequence up to its first divergence in the ids of {@code along} ≤ tolerance */
        MAX_ABS_DIFF_WHILE_IDS_AGREE("max_abs_diff_while_ids_agree"),
        /**
         * points of the task's {@code data} input whose own centroid (labels from {@code along}) is farther than their
         * nearest beyond round-off ≤ tolerance (0): half of being a fixed point of Lloyd's algorithm
         */
        LLOYD_MISASSIGNED("points_not_at_nearest_centroid"),
        /**
         * max |centroid − mean of its members| (members from {@code along}, points from the task's {@code data}
         * input), relative to max(1, max |x|), ≤ tolerance; a centroid without members fails: the other half
         */
        LLOYD_MEAN_GAP("centroid_minus_member_mean");

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

    /** Greedy ids identical, or diverging only at a near-tie of the reference (top-2 margin ≤ nearTie). */
    public static OutputCheck greedyIds(String ids, String top2, double nearTie, String why) {
        return new OutputCheck(ids, Metric.GREEDY_DIVERGENCE, nearTie, why, top2);
    }

    /** Per-step values compared while the generated ids still agree (up to and including a declared near-tie). */
    public static OutputCheck maxAbsWhileIdsAgree(String output, String ids, double tolerance, String why) {
        return new OutputCheck(output, Metric.MAX_ABS_DIFF_WHILE_IDS_AGREE, tolerance, why, ids);
    }

    /** The row's {@code centroids} and {@code labels} are a fixed point of Lloyd's algorithm on its data: two checks. */
    public static java.util.List<OutputCheck> lloydFixedPoint(String centroids, String labels, double meanGap, String why) {
        return java.util.List.of(new OutputCheck(centroids, Metric.LLOYD_MISASSIGNED, 0, why, labels),
                new OutputCheck(centroids, Metric.LLOYD_MEAN_GAP, meanGap, why, labels));
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
