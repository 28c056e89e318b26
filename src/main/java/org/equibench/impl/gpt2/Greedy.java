package org.equibench.impl.gpt2;

import java.nio.FloatBuffer;

/**
 * The greedy choice on one position's logits, the same Java code for every engine so that ties and NaNs are
 * treated alike: the argmax (the lowest id among equal maxima) and the two largest logits (equal when tied).
 */
final class Greedy {
    private Greedy() {
    }

    /**
     * Scans {@code logits[0 .. limit)} once; writes the largest and second-largest logit to {@code top2[at]} and
     * {@code top2[at + 1]} and returns the argmax. A NaN fails the run: argmax over it is meaningless and engines
     * disagree on where it goes.
     */
    static int pick(FloatBuffer logits, float[] top2, int at) {
        int n = logits.limit();
        if (n == 0) {
            throw new IllegalStateException("no logits to choose from");
        }
        float best = logits.get(0);
        float second = Float.NEGATIVE_INFINITY;
        int arg = 0;
        if (Float.isNaN(best)) {
            throw nan(0);
        }
        for (int i = 1; i < n; i++) {
            float v = logits.get(i);
            if (v > best) { // strictly greater: an equal later logit does not move the argmax
                second = best;
                best = v;
                arg = i;
            } else if (v > second) {
                second = v;
            } else if (v != v) {
                throw nan(i);
            }
        }
        top2[at] = best;
        top2[at + 1] = second;
        return arg;
    }

    private static IllegalStateException nan(int id) {
        return new IllegalStateException("logit of token id " + id + " is NaN");
    }
}
