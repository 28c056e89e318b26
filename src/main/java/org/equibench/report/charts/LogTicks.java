package org.equibench.report.charts;

import java.util.ArrayList;
import java.util.List;

/**
 * Tick values for a log axis that a reader can name at a glance: 1, 2 and 5 times a power of ten, never a
 * fractional power of ten (JFreeChart's own log axis labels such ticks 10^-1.5).
 */
public final class LogTicks {
    private static final double SLACK = 1e-9;

    private LogTicks() {
    }

    /** The powers of ten between lo and hi; where fewer than three fit, the 2s and 5s as well. */
    public static List<Double> decades(double lo, double hi) {
        List<Double> ticks = between(lo, hi, 1);
        return ticks.size() >= 3 ? ticks : between(lo, hi, 1, 2, 5);
    }

    /**
     * Ticks for a ratio axis: 1×, the powers of ten, and 0.5× and 2× beside 1× (0.1×, 0.5×, 1×, 2×, 10×, 100×…);
     * over a narrow range (about two decades or less) every 1, 2 and 5.
     */
    public static List<Double> ratios(double lo, double hi) {
        if (hi / lo <= 150) {
            return between(lo, hi, 1, 2, 5);
        }
        List<Double> ticks = new ArrayList<>(between(lo, hi, 1));
        for (double near : new double[] {0.5, 2}) {
            if (near >= lo * (1 - SLACK) && near <= hi * (1 + SLACK)) {
                ticks.add(near);
            }
        }
        ticks.sort(Double::compare);
        return ticks;
    }

    /** Every mantissa × 10^k within [lo, hi], ascending; built from text so 0.3 is 0.3, not 0.30000000000000004. */
    static List<Double> between(double lo, double hi, int... mantissas) {
        List<Double> ticks = new ArrayList<>();
        if (!(lo > 0) || !(hi >= lo) || Double.isInfinite(hi)) {
            return ticks;
        }
        for (int k = (int) Math.floor(Math.log10(lo)) - 1; k <= (int) Math.ceil(Math.log10(hi)); k++) {
            for (int m : mantissas) {
                double v = Double.parseDouble(m + "E" + k);
                if (v >= lo * (1 - SLACK) && v <= hi * (1 + SLACK)) {
                    ticks.add(v);
                }
            }
        }
        return ticks;
    }
}
