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

    /**
     * n points in d dimensions around k centres; point i belongs to blob i mod k and is its centre plus
     * N(0, spread²) noise per coordinate (scikit-learn make_blobs' model, with a fixed interleaved order instead
     * of a shuffle). Centres are drawn uniformly from [-box, box]^d, redrawing any closer than
     * {@code minSeparation} to an earlier one (0: none redrawn, overlapping blobs as make_blobs draws them, with
     * several local optima for Lloyd's algorithm). Row-major n × d.
     */
    public static double[] gaussianBlobs(int n, int d, int k, double box, double spread, double minSeparation, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] centres = new double[k * d];
        for (int c = 0; c < k; c++) {
            double[] candidate;
            do {
                candidate = uniform(rng, d, box);
            } while (tooClose(candidate, centres, c, d, minSeparation));
            System.arraycopy(candidate, 0, centres, c * d, d);
        }
        double[] points = new double[n * d];
        for (int i = 0; i < n; i++) {
            int blob = i % k;
            for (int j = 0; j < d; j++) {
                points[i * d + j] = centres[blob * d + j] + spread * rng.nextGaussian();
            }
        }
        return points;
    }

    private static boolean tooClose(double[] candidate, double[] centres, int count, int d, double minDistance) {
        for (int c = 0; c < count; c++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                double diff = candidate[j] - centres[c * d + j];
                sq += diff * diff;
            }
            if (sq < minDistance * minDistance) {
                return true;
            }
        }
        return false;
    }

    /**
     * k initial centroids by greedy k-means++ (Arthur &amp; Vassilvitskii 2007, with scikit-learn's greedy
     * step): the first centroid is a uniformly chosen point; for each next one, 2 + ⌊ln k⌋ candidates are drawn
     * with probability proportional to their squared distance to the nearest centroid so far, and the candidate
     * that lowers the total squared distance most is kept. Row-major k × d.
     */
    public static double[] kMeansPlusPlus(double[] points, int d, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = points.length / d;
        int trials = 2 + (int) Math.log(k);
        double[] centroids = new double[k * d];
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int chosen = rng.nextInt(n);
        for (int c = 0; c < k; c++) {
            System.arraycopy(points, chosen * d, centroids, c * d, d);
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], squaredDistance(points, i, points, chosen, d));
            }
            if (c + 1 == k) {
                break;
            }
            double total = 0;
            for (double v : nearest) {
                total += v;
            }
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                int candidate = drawProportional(nearest, total, rng);
                double potential = 0;
                for (int i = 0; i < n; i++) {
                    potential += Math.min(nearest[i], squaredDistance(points, i, points, candidate, d));
                }
                if (potential < bestPotential) {
                    bestPotential = potential;
                    chosen = candidate;
                }
            }
        }
        return centroids;
    }

    private static int drawProportional(double[] weights, double total, SplittableRandom rng) {
        double target = rng.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            target -= weights[i];
            if (target < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Squared Euclidean distance of row i of a and row j of b, both row-major with d columns. */
    public static double squaredDistance(double[] a, int i, double[] b, int j, int d) {
        double sq = 0;
        for (int x = 0; x < d; x++) {
            double diff = a[i * d + x] - b[j * d + x];
            sq += diff * diff;
        }
        return sq;
    }
}
