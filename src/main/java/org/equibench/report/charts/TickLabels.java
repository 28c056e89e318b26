package org.equibench.report.charts;

import java.math.BigDecimal;
import java.math.MathContext;

/** Tick labels in the units a reader uses: "100 ns", "1 µs", "10 ms", "1 s"; "0.5×", "1×", "100×". */
public final class TickLabels {
    private TickLabels() {
    }

    /** A duration given in nanoseconds, in the largest unit that keeps the number at least 1. */
    public static String time(double ns) {
        if (ns < 1e3) {
            return plain(ns) + " ns";
        }
        if (ns < 1e6) {
            return plain(ns / 1e3) + " µs";
        }
        if (ns < 1e9) {
            return plain(ns / 1e6) + " ms";
        }
        return plain(ns / 1e9) + " s";
    }

    public static String ratio(double r) {
        return plain(r) + "×";
    }

    /** At most three significant digits, no trailing zeros, never an exponent: 0.5, 2, 100, 0.01. */
    public static String plain(double v) {
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
