package org.equibench.report.charts;

import java.awt.Color;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.data.Range;

/**
 * A horizontal bar chart on a log axis, one bar per line in the given order, bars growing from a base value,
 * whiskers for intervals, values printed, dashed reference lines (e.g. 1× or a bandwidth bound), and a note
 * below listing what was left out and why. Ratio charts centre the axis on the base.
 */
public final class HorizontalBarChart {
    private final String title;
    private String subtitle = "";
    private LabelledLogAxis axis = LabelledLogAxis.ratio("ratio");
    private double base = 1;
    private boolean centred = true;
    private List<Bar> bars = List.of();
    private final Map<Double, String> referenceLines = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private Map<String, Color> legend = Map.of();

    public HorizontalBarChart(String title) {
        this.title = title;
    }

    public HorizontalBarChart subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    /** Bars grow from {@code base}; with {@code centred} the axis is symmetric around it in log space. */
    public HorizontalBarChart axis(LabelledLogAxis valueAxis, double barBase, boolean centredOnBase) {
        this.axis = valueAxis;
        this.base = barBase;
        this.centred = centredOnBase;
        return this;
    }

    public HorizontalBarChart bars(List<Bar> drawnInThisOrder) {
        this.bars = List.copyOf(drawnInThisOrder);
        return this;
    }

    public HorizontalBarChart referenceLine(double value, String label) {
        referenceLines.put(value, label);
        return this;
    }

    /** A line of text under the chart, e.g. the rows not drawn and why. */
    public HorizontalBarChart note(String text) {
        notes.add(text);
        return this;
    }

    public HorizontalBarChart legend(Map<String, Color> entries) {
        this.legend = entries;
        return this;
    }

    /** The axis span this chart draws: every bar, whisker and reference line, with room for the value labels. */
    public Range range() {
        List<Double> values = new ArrayList<>(referenceLines.keySet());
        values.add(base);
        for (Bar b : bars) {
            values.add(b.value());
            if (b.hasInterval()) {
                values.add(b.low());
                values.add(b.high());
            }
        }
        return centred ? LogRange.centred(base, values) : LogRange.around(values);
    }

    public DrawnChart render() {
        WhiskerBarRenderer renderer = new WhiskerBarRenderer(bars, base);
        axis.setRange(range());
        CategoryPlot plot = ChartLayout.horizontalPlot(bars.stream().map(Bar::label).toList(), axis, renderer);
        referenceLines.forEach((value, label) -> ChartLayout.referenceLine(plot, value, label));
        JFreeChart chart = ChartLayout.chart(title, subtitle, plot, legend, notes);
        byte[] png = ChartLayout.png(chart, ChartLayout.WIDTH, ChartLayout.height(bars.size(), notes.size()));
        return new DrawnChart(png, renderer.drawn());
    }
}
