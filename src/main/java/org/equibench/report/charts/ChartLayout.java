package org.equibench.report.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.CategoryItemRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;

/** What every chart of the report shares: fonts, white background, rows down the left, legend and notes below. */
final class ChartLayout {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Font VALUE = new Font(Font.SANS_SERIF, Font.BOLD, 11);
    static final Color INK = new Color(0x222222);
    static final Color GRID = new Color(0xDDDDDD);
    static final int WIDTH = 570;
    private static final int LINE_HEIGHT = 30;

    private ChartLayout() {
    }

    /** One category per line, top to bottom, values along a horizontal axis. */
    static CategoryPlot horizontalPlot(List<String> lines, ValueAxis axis, CategoryItemRenderer renderer) {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        lines.forEach(line -> data.addValue(1.0, "value", line));
        CategoryAxis categories = new CategoryAxis();
        categories.setTickLabelFont(TEXT);
        categories.setTickLabelPaint(INK);
        categories.setCategoryMargin(0.25);
        categories.setLowerMargin(0.04);
        categories.setUpperMargin(0.04);
        categories.setMaximumCategoryLabelWidthRatio(0.36f);
        categories.setMaximumCategoryLabelLines(3);
        axis.setLabelFont(TEXT);
        axis.setTickLabelFont(TEXT);
        axis.setTickLabelPaint(INK);
        axis.setAutoRange(false);
        CategoryPlot plot = new CategoryPlot(data, categories, axis, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        plot.setRangeAxisLocation(org.jfree.chart.axis.AxisLocation.BOTTOM_OR_RIGHT);
        plot.setNoDataMessage("no row to draw");
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(GRID);
        plot.setRangeGridlineStroke(new BasicStroke(1f));
        plot.setDomainGridlinesVisible(false);
        plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
        return plot;
    }

    /** A dashed vertical line, e.g. at 1× (the baseline) or at a bandwidth bound. */
    static void referenceLine(CategoryPlot plot, double value, String label) {
        ValueMarker marker = new ValueMarker(value, new Color(0x555555),
                new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {5f, 4f}, 0f));
        if (label != null && !label.isBlank()) {
            marker.setLabel(label);
            marker.setLabelFont(TEXT);
            marker.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.TOP_RIGHT);
            marker.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
        }
        plot.addRangeMarker(marker);
    }

    static LegendItemCollection legend(Map<String, Color> entries) {
        LegendItemCollection items = new LegendItemCollection();
        entries.forEach((name, colour) -> items.add(legendItem(name, new Rectangle(-6, -6, 12, 12), colour)));
        return items;
    }

    static LegendItem legendItem(String name, java.awt.Shape shape, Color colour) {
        LegendItem item = new LegendItem(name, null, null, null, shape, colour);
        item.setLabelFont(TEXT);
        return item;
    }

    /** A legend under the plot, from the plot's legend items, without a frame. */
    static void addLegend(JFreeChart chart) {
        org.jfree.chart.title.LegendTitle legend = new org.jfree.chart.title.LegendTitle(chart.getPlot());
        legend.setItemFont(TEXT);
        legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(0, legend);
    }

    /** The chart: title, a line saying how to read it, the plot, the legend, then each note on its own line. */
    static JFreeChart chart(String title, String subtitle, CategoryPlot plot, Map<String, Color> legend, List<String> notes) {
        plot.setFixedLegendItems(legend(legend));
        JFreeChart chart = new JFreeChart(title, TITLE, plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 8, 6, 14));
        if (!legend.isEmpty()) {
            addLegend(chart);
        }
        if (subtitle != null && !subtitle.isBlank()) {
            TextTitle how = new TextTitle(subtitle, SMALL);
            how.setPaint(new Color(0x555555));
            chart.addSubtitle(how);
        }
        for (String note : notes) {
            TextTitle t = new TextTitle(note, TEXT);
            t.setPosition(RectangleEdge.BOTTOM);
            t.setHorizontalAlignment(HorizontalAlignment.LEFT);
            t.setPaint(new Color(0x8B1A1A));
            chart.addSubtitle(t);
        }
        return chart;
    }

    /** Room for the title, axis and legend, one line per row, and each note (which may wrap once). */
    static int height(int lines, int notes) {
        return 150 + LINE_HEIGHT * Math.max(1, lines) + 34 * notes;
    }

    static byte[] png(JFreeChart chart, int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(out, chart, width, height);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
