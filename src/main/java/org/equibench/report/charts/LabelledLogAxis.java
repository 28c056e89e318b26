package org.equibench.report.charts;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.DoubleFunction;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.axis.ValueTick;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;

/** A log axis whose ticks sit at chosen round values ({@link LogTicks}) with labels in human units ({@link TickLabels}). */
public final class LabelledLogAxis extends LogAxis {
    private final transient BiFunction<Double, Double, List<Double>> tickValues;
    private final transient DoubleFunction<String> tickLabel;

    public LabelledLogAxis(String label, BiFunction<Double, Double, List<Double>> tickValues, DoubleFunction<String> tickLabel) {
        super(label);
        this.tickValues = tickValues;
        this.tickLabel = tickLabel;
    }

    /** Median times in nanoseconds: ticks at 100 ns, 1 µs, 10 µs, … */
    public static LabelledLogAxis time(String label) {
        return new LabelledLogAxis(label, LogTicks::decades, TickLabels::time);
    }

    /** Ratios: ticks at 0.1×, 0.5×, 1×, 2×, 10×, … */
    public static LabelledLogAxis ratio(String label) {
        return new LabelledLogAxis(label, LogTicks::ratios, TickLabels::ratio);
    }

    /** The ticks this axis draws between lo and hi, with their labels, in drawing order. */
    public List<String> tickLabels(double lo, double hi) {
        return tickValues.apply(lo, hi).stream().map(tickLabel::apply).toList();
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER
                : edge == RectangleEdge.BOTTOM ? TextAnchor.TOP_CENTER
                : edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT;
        List<ValueTick> ticks = new ArrayList<>();
        for (double v : withoutOverlaps(g2, dataArea, edge)) {
            ticks.add(new NumberTick(TickType.MAJOR, v, tickLabel.apply(v), anchor, TextAnchor.CENTER, 0.0));
        }
        ticks.sort(java.util.Comparator.comparingDouble(ValueTick::getValue));
        return ticks;
    }

    /**
     * The tick values whose labels fit without touching: the powers of ten at the smallest even step (every decade,
     * every second, …, always through 1), then whichever of the other values still fit.
     */
    private List<Double> withoutOverlaps(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        java.awt.FontMetrics metrics = g2.getFontMetrics(getTickLabelFont());
        boolean horizontal = RectangleEdge.isTopOrBottom(edge);
        List<Double> candidates = tickValues.apply(getLowerBound(), getUpperBound());
        List<Double> decades = candidates.stream().filter(LabelledLogAxis::isPowerOfTen).toList();
        List<double[]> spans = new ArrayList<>();
        List<Double> kept = new ArrayList<>();
        for (int step = 1; step <= 12; step++) {
            final int every = step;
            spans.clear();
            kept.clear();
            boolean fits = true;
            for (double v : decades.stream().filter(d -> Math.round(Math.log10(d)) % every == 0).toList()) {
                fits &= place(v, metrics, horizontal, dataArea, edge, spans, kept);
            }
            if (fits) {
                break;
            }
        }
        candidates.stream().filter(v -> !isPowerOfTen(v)).forEach(v -> place(v, metrics, horizontal, dataArea, edge, spans, kept));
        return kept;
    }

    /** Keeps {@code v} if its label touches no label kept so far. */
    private boolean place(double v, java.awt.FontMetrics metrics, boolean horizontal, Rectangle2D dataArea, RectangleEdge edge,
                          List<double[]> spans, List<Double> kept) {
        double at = valueToJava2D(v, dataArea, edge);
        double half = (horizontal ? metrics.stringWidth(tickLabel.apply(v)) : metrics.getHeight()) / 2.0 + 5;
        if (spans.stream().anyMatch(s -> at + half > s[0] && at - half < s[1])) {
            return false;
        }
        kept.add(v);
        spans.add(new double[] {at - half, at + half});
        return true;
    }

    private static boolean isPowerOfTen(double v) {
        double exponent = Math.log10(v);
        return Math.abs(exponent - Math.rint(exponent)) < 1e-9;
    }
}
