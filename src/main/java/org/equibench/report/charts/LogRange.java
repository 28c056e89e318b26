package org.equibench.report.charts;

import java.util.Collection;
import org.jfree.data.Range;

/** The span of a log axis that holds every value with room for the labels printed beside the bars. */
public final class LogRange {
    /** Share of the axis width kept free on each side for value labels. */
    private static final double LABEL_ROOM = 0.16;
    /** The narrowest span drawn, in decades each side of the centre (0.4 = 0.4× to 2.5×). */
    private static final double MIN_HALF_SPAN = Math.log10(2.5);

    private LogRange() {
    }

    /** Symmetric around {@code centre} in log space, e.g. 0.1× to 10× around 1×. */
    public static Range centred(double centre, Collection<Double> values) {
        double half = MIN_HALF_SPAN;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                half = Math.max(half, Math.abs(Math.log10(v / centre)) / (1 - 2 * LABEL_ROOM));
            }
        }
        return new Range(centre / Math.pow(10, half), centre * Math.pow(10, half));
    }

    /** From the smallest to the largest value, widened on both sides by the label room. */
    public static Range around(Collection<Double> values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                lo = Math.min(lo, Math.log10(v));
                hi = Math.max(hi, Math.log10(v));
            }
        }
        if (lo > hi) {
            return new Range(0.1, 10);
        }
        double span = Math.max(hi - lo, 2 * MIN_HALF_SPAN);
        double pad = span * LABEL_ROOM / (1 - 2 * LABEL_ROOM);
        double mid = (lo + hi) / 2;
        return new Range(Math.pow(10, mid - span / 2 - pad), Math.pow(10, mid + span / 2 + pad));
    }
}
