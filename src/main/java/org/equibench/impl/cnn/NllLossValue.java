package org.equibench.impl.cnn;

/**
 * The value libtorch's CPU {@code nll_loss} (mean reduction, no class weights) computes from the picked
 * log-probabilities x₀ … x_{N−1}, in the tensor's type and in its order: each {@code −x_b} is added to the first of
 * eight partial sums, which is carried into the next level whenever the low four bits of b are zero (a cascade that
 * bounds the rounding error), the levels are then added up in order, and the total is divided by N. Java's float and
 * double arithmetic is IEEE, so the result is libtorch's bit for bit.
 */
final class NllLossValue {
    private static final int LEVELS = 8;

    private NllLossValue() {
    }

    static float mean(float[] picked) {
        int power = levelPower(picked.length);
        float[] partial = new float[LEVELS];
        for (int b = 0; b < picked.length; b++) {
            partial[0] -= picked[b];
            for (int j = 0; j + 1 < LEVELS && carries(b, j, power); j++) {
                partial[j + 1] += partial[j];
                partial[j] = 0;
            }
        }
        float total = 0;
        for (float level : partial) {
            total += level;
        }
        return total / picked.length;
    }

    static double mean(double[] picked) {
        int power = levelPower(picked.length);
        double[] partial = new double[LEVELS];
        for (int b = 0; b < picked.length; b++) {
            partial[0] -= picked[b];
            for (int j = 0; j + 1 < LEVELS && carries(b, j, power); j++) {
                partial[j + 1] += partial[j];
                partial[j] = 0;
            }
        }
        double total = 0;
        for (double level : partial) {
            total += level;
        }
        return total / picked.length;
    }

    /** Whether level {@code j} is carried into level {@code j + 1} after term {@code b}. */
    private static boolean carries(int b, int j, int power) {
        long mask = ((1L << power) - 1) << (j * power);
        return (b & mask) == 0;
    }

    /** libtorch's {@code max(4, CeilLog2(N) / 8)}: 4 for any batch below 2³² terms. */
    private static int levelPower(int n) {
        int ceilLog2 = n <= 2 ? 1 : 64 - Long.numberOfLeadingZeros(n - 1L);
        return Math.max(4, ceilLog2 / LEVELS);
    }
}
