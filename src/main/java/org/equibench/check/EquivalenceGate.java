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

    /** Where a set of outputs can be found: the files by name, and the scalar metrics. */
    public record Outputs(String label, Map<String, Path> files, Map<String, Double> metrics) {
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
            case METRIC_ABS_DIFF, METRIC_REL_DIFF, GREEDY_DIVERGENCE, MAX_ABS_DIFF_WHILE_IDS_AGREE ->
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
            default -> throw new IllegalArgumentException(check.metric() + " reads no second output");
        };
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
