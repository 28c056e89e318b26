package org.equibench.check;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.check.OutputCheck;

/**
 * Evaluates declared checks on a row's outputs against a reference's. Outputs are .npy files (arrays) or
 * scalar metrics; a missing or unreadable output fails its check with the reason, it is never skipped.
 */
public final class EquivalenceGate {
    private EquivalenceGate() {
    }

    /**
     * Where a set of outputs can be found: the files by name, the scalar metrics, and the inputs the row was given
     * by role (read by checks that judge a result against the task's data rather than against the reference).
     */
    public record Outputs(String label, Map<String, Path> files, Map<String, Double> metrics, Map<String, Path> inputs) {
        public Outputs(String label, Map<String, Path> files, Map<String, Double> metrics) {
            this(label, files, metrics, Map.of());
        }
    }

    public static List<CheckOutcome> evaluate(List<OutputCheck> checks, Outputs actual, Outputs reference) {
        List<CheckOutcome> outcomes = new ArrayList<>();
        for (OutputCheck check : checks) {
            outcomes.add(evaluate(check, actual, reference));
        }
        return outcomes;
    }

    static CheckOutcome evaluate(OutputCheck check, Outputs actual, Outputs reference) {
        try {
            if (check.along() != null) {
                return sequences(check, actual, reference);
            }
            double value = switch (check.metric()) {
                case METRIC_ABS_DIFF -> Math.abs(metric(actual, check.output()) - metric(reference, check.output()));
                case METRIC_REL_DIFF -> Math.abs(metric(actual, check.output()) - metric(reference, check.output()))
                        / Math.abs(metric(reference, check.output()));
                default -> measure(check, array(actual, check.output()), array(reference, check.output()));
            };
            return outcome(check, reference, value, check.accepts(value), null);
        } catch (IOException | IllegalArgumentException e) {
            return outcome(check, reference, Double.NaN, false, e.getMessage());
        }
    }

    private static double measure(OutputCheck check, NdArray a, NdArray r) {
        return switch (check.metric()) {
            case MAX_ABS_DIFF -> ArrayComparison.maxAbsDiff(a, r);
            case MAX_REL_DIFF -> ArrayComparison.maxRelDiff(a, r);
            case LABEL_MISMATCHES -> ArrayComparison.labelMismatches(a, r);
            case LABEL_AGREEMENT -> ArrayComparison.labelAgreement(a, r);
            case ADJUSTED_RAND_INDEX -> ArrayComparison.adjustedRandIndex(a, r);
            case METRIC_ABS_DIFF, METRIC_REL_DIFF, GREEDY_DIVERGENCE, MAX_ABS_DIFF_WHILE_IDS_AGREE, LLOYD_MISASSIGNED, LLOYD_MEAN_GAP ->
                    throw new IllegalStateException("not an element-wise comparison: " + check.metric());
        };
    }

    /** The token-sequence checks, which read a second output beside the checked one. */
    private static CheckOutcome sequences(OutputCheck check, Outputs actual, Outputs reference) throws IOException {
        return switch (check.metric()) {
            case GREEDY_DIVERGENCE -> {
                GreedySequences.Divergences d = GreedySequences.divergences(array(actual, check.output()),
                        array(reference, check.output()), array(reference, check.along()), check.tolerance());
                yield new CheckOutcome(check.output(), reference.label(), check.metric().id, d.largestMargin(), check.tolerance(),
                        check.why(), check.accepts(d.largestMargin()), null, d.describe());
            }
            case MAX_ABS_DIFF_WHILE_IDS_AGREE -> {
                double value = GreedySequences.maxAbsDiffWhileIdsAgree(array(actual, check.output()), array(reference, check.output()),
                        array(actual, check.along()), array(reference, check.along()));
                yield outcome(check, reference, value, check.accepts(value), null);
            }
            case LLOYD_MISASSIGNED, LLOYD_MEAN_GAP -> lloyd(check, actual, reference);
            default -> throw new IllegalArgumentException(check.metric() + " reads no second output");
        };
    }

    /**
     * A fixed-point check of k-means: judged on the row's own data, not against the reference; how the result
     * compares with the reference's (another local optimum?) goes into the outcome's note.
     */
    private static CheckOutcome lloyd(OutputCheck check, Outputs actual, Outputs reference) throws IOException {
        Path data = actual.inputs().get("data");
        if (data == null) {
            throw new IllegalArgumentException(actual.label() + " has no 'data' input to check its fixed point on");
        }
        NdArray labels = array(actual, check.along());
        LloydFixedPoint.Residuals r = LloydFixedPoint.of(Npy.read(data), array(actual, check.output()), labels);
        if (check.metric() == OutputCheck.Metric.LLOYD_MISASSIGNED) {
            // the comparison with the reference is told once, with the first of the two checks
            return new CheckOutcome(check.output(), reference.label(), check.metric().id, r.misassigned(), check.tolerance(),
                    check.why(), check.accepts(r.misassigned()), null, againstReference(actual, reference, labels));
        }
        String problem = r.emptyClusters() == 0 ? null : r.emptyClusters() + " cluster(s) without members (first: "
                + r.firstEmpty() + "): no mean for its centroid to be";
        double value = r.emptyClusters() == 0 ? r.maxMeanGap() : Double.NaN;
        return new CheckOutcome(check.output(), reference.label(), check.metric().id, value, check.tolerance(), check.why(),
                check.accepts(value), problem);
    }

    /** "inertia 1.0123× the reference's, adjusted Rand index 0.79 against its labels", from what both report. */
    private static String againstReference(Outputs actual, Outputs reference, NdArray labels) {
        java.util.List<String> parts = new java.util.ArrayList<>();
        Double mine = actual.metrics() == null ? null : actual.metrics().get("inertia");
        Double theirs = reference.metrics() == null ? null : reference.metrics().get("inertia");
        if (mine != null && theirs != null && theirs != 0) {
            parts.add(String.format(java.util.Locale.ROOT, "inertia %.6f× the reference's", mine / theirs));
        }
        Path refLabels = reference.files().get("labels");
        if (refLabels != null) {
            try {
                parts.add(String.format(java.util.Locale.ROOT, "adjusted Rand index %.4f against its labels",
                        ArrayComparison.adjustedRandIndex(labels, Npy.read(refLabels))));
            } catch (IOException | IllegalArgumentException e) {
                parts.add("no adjusted Rand index: " + e.getMessage());
            }
        }
        return parts.isEmpty() ? null : String.join(", ", parts);
    }

    private static NdArray array(Outputs outputs, String name) throws IOException {
        Path file = outputs.files().get(name);
        if (file == null) {
            throw new IllegalArgumentException(outputs.label() + " did not write output '" + name + "'");
        }
        return Npy.read(file);
    }

    private static double metric(Outputs outputs, String name) {
        Double v = outputs.metrics() == null ? null : outputs.metrics().get(name);
        if (v == null) {
            throw new IllegalArgumentException(outputs.label() + " did not report metric '" + name + "'");
        }
        return v;
    }

    private static CheckOutcome outcome(OutputCheck check, Outputs reference, double value, boolean passed, String problem) {
        return new CheckOutcome(check.output(), reference.label(), check.metric().id, value, check.tolerance(), check.why(),
                passed, problem);
    }
}
