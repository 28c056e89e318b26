package org.equibench.check;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.equibench.data.NdArray;

/**
 * Comparisons of greedy-decoded token sequences ([sequences, steps] ids, [sequences, steps, 2] top-2 logits).
 * Two correct f32 engines may pick different ids where the reference's two best logits are closer than their
 * round-off; such a divergence is a declared near-tie, reported with its position and margin. Anything else is a
 * different computation. After a divergence the sequences condition on different text, so nothing later compares.
 */
public final class GreedySequences {
    private GreedySequences() {
    }

    /** Where one sequence first differs from the reference, and the reference's top-2 margin at that step. */
    public record Divergence(int sequence, int step, double referenceMargin) {
    }

    /** Every sequence's first divergence; {@code largestMargin} is 0 when all ids agree. */
    public record Divergences(List<Divergence> all, double nearTie) {
        public double largestMargin() {
            return all.stream().mapToDouble(Divergence::referenceMargin).max().orElse(0);
        }

        /** The near-ties and divergences for the report, or null when every id agrees. */
        public String describe() {
            if (all.isEmpty()) {
                return null;
            }
            List<String> parts = new ArrayList<>();
            for (Divergence d : all) {
                parts.add("prompt " + d.sequence() + " step " + d.step() + " (reference top-2 margin "
                        + String.format(java.util.Locale.ROOT, "%.3g", d.referenceMargin()) + ")");
            }
            boolean allNear = all.stream().allMatch(d -> d.referenceMargin() <= nearTie);
            return (allNear ? "declared near-tie: ids diverge at " : "ids diverge at ") + String.join(", ", parts)
                    + "; the reference's top-2 margin there is " + (allNear ? "within" : "not always within")
                    + " the logits tolerance " + nearTie;
        }
    }

    public static Divergences divergences(NdArray ids, NdArray referenceIds, NdArray referenceTop2, double nearTie) {
        requireShape(ids, referenceIds.shape(), "ids");
        int sequences = referenceIds.shape()[0];
        int steps = referenceIds.shape()[1];
        requireShape(referenceTop2, new int[] {sequences, steps, 2}, "reference top-2 logits");
        List<Divergence> found = new ArrayList<>();
        for (int s = 0; s < sequences; s++) {
            int step = firstDivergence(ids, referenceIds, s);
            if (step < steps) {
                int at = (s * steps + step) * 2;
                found.add(new Divergence(s, step, referenceTop2.values()[at] - referenceTop2.values()[at + 1]));
            }
        }
        return new Divergences(found, nearTie);
    }

    /** max |a - r| over [sequence, step, …] for the steps up to and including each sequence's first divergence. */
    public static double maxAbsDiffWhileIdsAgree(NdArray actual, NdArray reference, NdArray ids, NdArray referenceIds) {
        requireShape(actual, reference.shape(), "values");
        requireShape(ids, referenceIds.shape(), "ids");
        int sequences = referenceIds.shape()[0];
        int steps = referenceIds.shape()[1];
        if (reference.shape().length < 2 || reference.shape()[0] != sequences || reference.shape()[1] != steps) {
            throw new IllegalArgumentException("values of shape " + reference.shapeText() + " do not follow ids of shape "
                    + referenceIds.shapeText());
        }
        int perStep = reference.size() / (sequences * steps);
        double max = 0;
        for (int s = 0; s < sequences; s++) {
            int last = Math.min(firstDivergence(ids, referenceIds, s), steps - 1);
            for (int i = s * steps * perStep; i < (s * steps + last + 1) * perStep; i++) {
                double d = Math.abs(actual.values()[i] - reference.values()[i]);
                if (Double.isNaN(d)) {
                    return Double.NaN;
                }
                max = Math.max(max, d);
            }
        }
        return max;
    }

    private static int firstDivergence(NdArray ids, NdArray referenceIds, int sequence) {
        int steps = referenceIds.shape()[1];
        for (int t = 0; t < steps; t++) {
            if (ids.values()[sequence * steps + t] != referenceIds.values()[sequence * steps + t]) {
                return t;
            }
        }
        return steps;
    }

    private static void requireShape(NdArray a, int[] shape, String what) {
        if (!Arrays.equals(a.shape(), shape)) {
            throw new IllegalArgumentException(what + ": shape " + a.shapeText() + ", expected " + Arrays.toString(shape));
        }
    }
}
