package org.equibench.data;

import java.util.SplittableRandom;

/**
 * The harness's own generators for shared inputs (splits, initial weights). Every implementation reads
 * what these write, so the choice of RNG only has to be fixed and documented: java.util.SplittableRandom,
 * whose algorithm (SplitMix64) is specified in its Javadoc and stable across JDK versions.
 */
public final class SeededGenerators {
    private SeededGenerators() {
    }

    /** A permutation of 0..n-1 by Fisher–Yates (Durstenfeld), drawing from SplittableRandom(seed). */
    public static long[] permutation(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        long[] p = new long[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    /** n values uniform on [-limit, limit), in row-major order, from the given generator. */
    public static double[] uniform(SplittableRandom rng, int n, double limit) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rng.nextDouble(-limit, limit);
        }
        return v;
    }
}
