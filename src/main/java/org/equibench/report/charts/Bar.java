package org.equibench.report.charts;

import java.awt.Color;

/**
 * One bar of a {@link HorizontalBarChart}: a row's value, its 95% interval (NaN where there is none) and the
 * text printed beside it.
 */
public record Bar(String label, double value, double low, double high, Color colour, String valueLabel) {

    public boolean hasInterval() {
        return Double.isFinite(low) && Double.isFinite(high) && low > 0 && high > 0;
    }
}
