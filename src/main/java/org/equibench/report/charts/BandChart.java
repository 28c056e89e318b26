package org.equibench.report.charts;

import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.data.Range;

/**
 * Expected ranges against measured values on a log axis, one line each: e.g. a published claim's range and
 * the ratio measured here with its interval, the point coloured by verdict.
 */
public final class BandChart {
    /** Wider than the bar charts: a line's label is a sentence. */
    private static final int WIDTH = 800;
    private final String title;
    private String subtitle = "";
    private LabelledLogAxis axis = LabelledLogAxis.ratio("ratio");
    private List<Band> bands = List.of();
    private final List<String> notes = new ArrayList<>();
    private String agreesName = "agrees";
    private String disagreesName = "does not agree";
    private Color agrees = Palette.BLUISH_GREEN;
    private Color disagrees = Palette.VERMILLION;
    private Double referenceLine;

    public BandChart(String title) {
        this.title = title;
    }

    public BandChart subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    public BandChart axis(LabelledLogAxis valueAxis) {
        this.axis = valueAxis;
        return this;
    }

    public BandChart bands(List<Band> drawnInThisOrder) {
        this.bands = List.copyOf(drawnInThisOrder);
        return this;
    }

    /** A dashed line, e.g. at 1× where neither side is ahead. */
    public BandChart referenceLine(double value) {
        this.referenceLine = value;
        return this;
    }

    public BandChart note(String text) {
        notes.add(text);
        return this;
    }

    /** What a point that agrees, and one that does not, is called in the legend, and their colours. */
    public BandChart verdicts(String agreesLegend, Color agreesColour, String disagreesLegend, Color disagreesColour) {
        this.agreesName = agreesLegend;
        this.agrees = agreesColour;
        this.disagreesName = disagreesLegend;
        this.disagrees = disagreesColour;
        return this;
    }

    public Range range() {
        List<Double> values = new ArrayList<>();
        if (referenceLine != null) {
            values.add(referenceLine);
        }
        for (Band b : bands) {
            values.addAll(List.of(b.bandLow(), b.bandHigh(), b.value()));
            if (b.hasInterval()) {
                values.addAll(List.of(b.low(), b.high()));
            }
        }
        return LogRange.around(values);
    }

    public DrawnChart render() {
        BandPointRenderer renderer = new BandPointRenderer(bands, agrees, disagrees);
        axis.setRange(range());
        CategoryPlot plot = ChartLayout.horizontalPlot(bands.stream().map(Band::label).toList(), axis, renderer);
        if (referenceLine != null) {
            ChartLayout.referenceLine(plot, referenceLine, null);
        }
        JFreeChart chart = ChartLayout.chart(title, subtitle, plot, Map.of(), notes);
        LegendItemCollection legend = new LegendItemCollection();
        legend.add(ChartLayout.legendItem("expected range", new java.awt.Rectangle(-6, -6, 12, 12), BandPointRenderer.BAND));
        legend.add(ChartLayout.legendItem(agreesName, BandPointRenderer.point(true, 0, 0), agrees));
        legend.add(ChartLayout.legendItem(disagreesName, BandPointRenderer.point(false, 0, 0), disagrees));
        plot.setFixedLegendItems(legend);
        ChartLayout.addLegend(chart);
        byte[] png = ChartLayout.png(chart, WIDTH, ChartLayout.height(bands.size(), notes.size()));
        return new DrawnChart(png, renderer.drawn());
    }
}
