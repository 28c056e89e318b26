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
     * n points in d dimensions around k centres drawn uniformly from [-box, box]^d; point i belongs to
     * blob i mod k and is its centre plus N(0, spread²) noise per coordinate (scikit-learn make_blobs' model,
     * with a fixed interleaved order instead of a shuffle). Row-major n × d.
     */
    public static double[] gaussianBlobs(int n, int d, int k, double box, double spread, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] centres = uniform(rng, k * d, box);
        double[] points = new double[n * d];
        for (int i = 0; i < n; i++) {
            int blob = i % k;
            for (int j = 0; j < d; j++) {
                points[i * d + j] = centres[blob * d + j] + spread * rng.nextGaussian();
            }
        }
        return points;
    }

    /**
     * k initial centroids by k-means++ (Arthur &amp; Vassilvitskii 2007): the first a uniformly chosen point,
     * each next one a point drawn with probability proportional to its squared distance to the nearest
     * centroid chosen so far. Row-major k × d.
     */
    public static double[] kMeansPlusPlus(double[] points, int d, int k, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int n = points.length / d;
        double[] centroids = new double[k * d];
        double[] nearest = new double[n];
        java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
        int chosen = rng.nextInt(n);
        for (int c = 0; c < k; c++) {
            System.arraycopy(points, chosen * d, centroids, c * d, d);
            double total = 0;
            for (int i = 0; i < n; i++) {
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double diff = points[i * d + j] - centroids[c * d + j];
                    dist += diff * diff;
                }
                nearest[i] = Math.min(nearest[i], dist);
                total += nearest[i];
            }
            double target = rng.nextDouble() * total;
            chosen = n - 1;
            for (int i = 0; i < n; i++) {
                target -= nearest[i];
                if (target < 0) {
                    chosen = i;
                    break;
                }
            }
        }
        return centroids;
    }
}
