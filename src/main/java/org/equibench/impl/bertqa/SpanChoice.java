package org.equibench.impl.bertqa;

import java.util.List;

/**
 * The answer span of one question (PROTOCOL.md, "Task `bert-qa`", preprocessing 6): over every feature and every pair (i, j) of its
 * context positions with {@code j >= i} and {@code j - i + 1 <= maxAnswerTokens}, the largest
 * {@code start[i] + end[j]}, summed in f64 from the f32 logits; only a strictly larger score replaces the best, so
 * ties go to the first pair in (feature, i, j) order. Exhaustive, unlike run_qa's 20-best approximation.
 */
final class SpanChoice {
    private SpanChoice() {
    }

    /** Feature index (within the list), start and end position; {@link #NONE} when no feature has a context token. */
    record Span(int feature, int start, int end) {
        boolean found() {
            return feature >= 0;
        }
    }

    static final Span NONE = new Span(-1, -1, -1);

    static Span best(List<Feature> features, List<float[]> startLogits, List<float[]> endLogits, int maxAnswerTokens) {
        double best = Double.NEGATIVE_INFINITY;
        int bf = -1;
        int bi = -1;
        int bj = -1;
        for (int f = 0; f < features.size(); f++) {
            Feature feature = features.get(f);
            float[] s = startLogits.get(f);
            float[] e = endLogits.get(f);
            int last = feature.contextEnd() - 1;
            for (int i = feature.contextStart(); i <= last; i++) {
                double si = s[i];
                int jEnd = Math.min(last, i + maxAnswerTokens - 1);
                for (int j = i; j <= jEnd; j++) {
                    double score = si + (double) e[j];
                    if (score > best || bf < 0) {
                        best = score;
                        bf = f;
                        bi = i;
                        bj = j;
                    }
                }
            }
        }
        return bf < 0 ? NONE : new Span(bf, bi, bj);
    }
}
