package org.equibench.check;

import org.equibench.data.NdArray;
import org.equibench.data.SeededGenerators;

/**
 * Whether a k-means result is a fixed point of Lloyd's algorithm on the data it was fitted to: every point
 * at its nearest centroid, and every centroid the mean of its members. That holds for any right k-means row
 * whatever its start, so it tells a right row from a wrong one where rows that draw their own initial
 * centroids end in other local optima than the reference (overlapping blobs).
 * <p>
 * Both conditions hold only to round-off: libraries compute squared distances as ‖x‖² − 2x·c + ‖c‖² (whose
 * error grows with ‖x‖² + ‖c‖², not with the distance) and sum members in other orders.
 */
public final class LloydFixedPoint {
    /** Relative round-off allowed in a squared distance, against ‖x‖² + ‖c‖². */
    static final double DISTANCE_ROUND_OFF = 1e-10;

    private LloydFixedPoint() {
    }

    /**
     * What keeps a result from being a fixed point. {@code misassigned}: points whose own centroid is farther than
     * the nearest beyond round-off; {@code maxMeanGap}: the largest |centroid − mean of its members| over every
     * coordinate, divided by max(1, max |x|); {@code emptyClusters}: centroids with no members (no mean to be).
     */
    public record Residuals(int misassigned, double maxMeanGap, int emptyClusters, int firstEmpty) {
    }

    /** {@code data} n × d, {@code centroids} k × d, {@code labels} n labels in [0, k). */
    public static Residuals of(NdArray data, NdArray centroids, NdArray labels) {
        int[] ds = data.shape();
        int[] cs = centroids.shape();
        if (ds.length != 2 || cs.length != 2 || cs[1] != ds[1]) {
            throw new IllegalArgumentException("centroids " + java.util.Arrays.toString(cs) + " do not fit data "
                    + java.util.Arrays.toString(ds));
        }
        int n = ds[0];
        int d = ds[1];
        int k = cs[0];
        if (labels.size() != n) {
            throw new IllegalArgumentException(labels.size() + " labels for " + n + " points");
        }
        double[] x = data.values();
        double[] c = centroids.values();
        double[] l = labels.values();
        double[] sums = new double[k * d];
        int[] counts = new int[k];
        int misassigned = 0;
        double scale = 1;
        for (int i = 0; i < n; i++) {
            int own = label(l[i], k, i);
            double nearest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                nearest = Math.min(nearest, SeededGenerators.squaredDistance(x, i, c, j, d));
            }
            double slack = DISTANCE_ROUND_OFF * (squaredNorm(x, i, d) + squaredNorm(c, own, d));
            if (SeededGenerators.squaredDistance(x, i, c, own, d) - nearest > slack) {
                misassigned++;
            }
            counts[own]++;
            for (int t = 0; t < d; t++) {
                sums[own * d + t] += x[i * d + t];
                scale = Math.max(scale, Math.abs(x[i * d + t]));
            }
        }
        double gap = 0;
        int empty = 0;
        int firstEmpty = -1;
        for (int j = 0; j < k; j++) {
            if (counts[j] == 0) {
                empty++;
                firstEmpty = firstEmpty < 0 ? j : firstEmpty;
                continue;
            }
            for (int t = 0; t < d; t++) {
                gap = Math.max(gap, Math.abs(c[j * d + t] - sums[j * d + t] / counts[j]));
            }
        }
        return new Residuals(misassigned, gap / scale, empty, firstEmpty);
    }

    private static int label(double value, int k, int i) {
        if (value != Math.rint(value) || value < 0 || value >= k) {
            throw new IllegalArgumentException("label " + value + " of point " + i + " is not a cluster in [0, " + k + ")");
        }
        return (int) value;
    }

    private static double squaredNorm(double[] a, int row, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            s += a[row * d + t] * a[row * d + t];
        }
        return s;
    }
}
