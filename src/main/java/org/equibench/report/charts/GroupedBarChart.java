package org.equibench.report.charts;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleFunction;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.labels.CategoryItemLabelGenerator;
import org.jfree.chart.labels.ItemLabelAnchor;
import org.jfree.chart.labels.ItemLabelPosition;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.Range;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * Vertical bars grouped by category (e.g. phases), one series per row in its palette colour, on a log axis with
 * human tick labels, each bar's value printed above it; records the bars it drew as {@code series@category}.
 */
public final class GroupedBarChart {
    private final String title;
    private final DefaultCategoryDataset data = new DefaultCategoryDataset();
    private final Map<String, Color> seriesColours = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private LabelledLogAxis axis = LabelledLogAxis.time("time");
    private DoubleFunction<String> valueLabel = TickLabels::plain;
    private String subtitle = "";

    public GroupedBarChart(String title) {
        this.title = title;
    }

    public GroupedBarChart axis(LabelledLogAxis valueAxis, DoubleFunction<String> barLabel) {
        this.axis = valueAxis;
        this.valueLabel = barLabel;
        return this;
    }

    public GroupedBarChart subtitle(String text) {
        this.subtitle = text;
        return this;
    }

    public GroupedBarChart series(String name, Color colour) {
        seriesColours.put(name, colour);
        return this;
    }

    /** A bar; values that a log axis cannot show (zero, negative, NaN) are skipped. */
    public GroupedBarChart value(String series, String category, double value) {
        if (value > 0 && Double.isFinite(value)) {
            data.addValue(value, series, category);
        }
        return this;
    }

    public GroupedBarChart note(String text) {
        notes.add(text);
        return this;
    }

    public DrawnChart render(int width, int height) {
        List<Double> values = new ArrayList<>();
        for (int r = 0; r < data.getRowCount(); r++) {
            for (int c = 0; c < data.getColumnCount(); c++) {
                Number v = data.getValue(r, c);
                if (v != null) {
                    values.add(v.doubleValue());
                }
            }
        }
        axis.setRange(range(values));
        axis.setLabelFont(ChartLayout.TEXT);
        axis.setTickLabelFont(ChartLayout.TEXT);
        CountingBarRenderer renderer = new CountingBarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setDrawBarOutline(true);
        renderer.setItemMargin(0.04);
        renderer.setDefaultItemLabelGenerator(new ValueLabels(valueLabel));
        renderer.setDefaultItemLabelsVisible(true);
        renderer.setDefaultItemLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        renderer.setDefaultPositiveItemLabelPosition(new ItemLabelPosition(ItemLabelAnchor.OUTSIDE12, TextAnchor.CENTER_LEFT,
                TextAnchor.CENTER_LEFT, -Math.PI / 2));
        for (int r = 0; r < data.getRowCount(); r++) {
            Color c = seriesColours.getOrDefault((String) data.getRowKey(r), Palette.GREY);
            renderer.setSeriesPaint(r, c);
            renderer.setSeriesOutlinePaint(r, c.darker());
        }
        CategoryAxis categories = new CategoryAxis();
        categories.setTickLabelFont(ChartLayout.TEXT);
        CategoryPlot plot = new CategoryPlot(data, categories, axis, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlineVisible(false);
        plot.setRangeGridlinePaint(ChartLayout.GRID);
        JFreeChart chart = new JFreeChart(title, ChartLayout.TITLE, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(6, 8, 6, 14));
        chart.getLegend().setItemFont(ChartLayout.TEXT);
        chart.getLegend().setFrame(org.jfree.chart.block.BlockBorder.NONE);
        if (!subtitle.isBlank()) {
            TextTitle how = new TextTitle(subtitle, ChartLayout.TEXT);
            how.setPaint(new Color(0x555555));
            chart.addSubtitle(how);
        }
        for (String note : notes) {
            TextTitle t = new TextTitle(note, ChartLayout.TEXT);
            t.setPosition(RectangleEdge.BOTTOM);
            t.setPaint(new Color(0x8B1A1A));
            chart.addSubtitle(t);
        }
        byte[] png = ChartLayout.png(chart, width, height);
        return new DrawnChart(png, renderer.drawn());
    }

    /**
     * Half a decade below the smallest bar (bars grow from the bottom), and above the tallest one room for its value
     * printed upright: about a sixth of the axis height.
     */
    static Range range(List<Double> values) {
        double min = values.stream().mapToDouble(Double::doubleValue).min().orElse(1);
        double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(10);
        double lo = min / 3;
        double span = Math.max(1, Math.log10(max / lo));
        return new Range(lo, max * Math.pow(10, 0.2 * span + 0.1));
    }

    /** Bar value labels in the chart's units. */
    private record ValueLabels(DoubleFunction<String> format) implements CategoryItemLabelGenerator {
        @Override
        public String generateRowLabel(CategoryDataset dataset, int row) {
            return dataset.getRowKey(row).toString();
        }

        @Override
        public String generateColumnLabel(CategoryDataset dataset, int column) {
            return dataset.getColumnKey(column).toString();
        }

        @Override
        public String generateLabel(CategoryDataset dataset, int row, int column) {
            Number v = dataset.getValue(row, column);
            return v == null ? null : format.apply(v.doubleValue());
        }
    }

    /** A bar renderer that remembers which bars it drew. */
    private static final class CountingBarRenderer extends RecordingBarRenderer {
        @Override
        public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
                             CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset, int row, int column, int pass) {
            super.drawItem(g2, state, dataArea, plot, domainAxis, rangeAxis, dataset, row, column, pass);
            if (pass == 0 && dataset.getValue(row, column) != null) {
                recordDrawn(dataset.getRowKey(row) + "@" + dataset.getColumnKey(column));
            }
        }
    }
}
