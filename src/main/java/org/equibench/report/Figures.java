package org.equibench.report;

import java.util.Locale;

/** Human formatting of times, sizes and ratios for tables. */
public final class Figures {
    private Figures() {
    }

    public static String time(double ns) {
        if (Double.isNaN(ns)) {
            return "–";
        }
        if (ns < 1e3) {
            return String.format(Locale.ROOT, "%.0f ns", ns);
        }
        if (ns < 1e6) {
            return String.format(Locale.ROOT, "%.2f µs", ns / 1e3);
        }
        if (ns < 1e9) {
            return String.format(Locale.ROOT, "%.2f ms", ns / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }

    public static String bytes(double b) {
        if (Double.isNaN(b)) {
            return "–";
        }
        double abs = Math.abs(b);
        if (abs < 1024) {
            return String.format(Locale.ROOT, "%.0f B", b);
        }
        if (abs < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024);
        }
        return String.format(Locale.ROOT, "%.2f MiB", b / (1024 * 1024));
    }

    public static String ratio(double r) {
        if (Double.isNaN(r) || Double.isInfinite(r)) {
            return "–";
        }
        if (r >= 10) {
            return String.format(Locale.ROOT, "%.0f×", r);
        }
        return String.format(Locale.ROOT, r >= 0.1 ? "%.2f×" : "%.2g×", r);
    }

    public static String percent(double fraction) {
        return Double.isNaN(fraction) ? "–" : String.format(Locale.ROOT, "%.2f%%", fraction * 100);
    }

    public static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e7) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? "%.4f" : "%.3g", v);
    }
}
