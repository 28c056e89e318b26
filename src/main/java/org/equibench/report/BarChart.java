package org.equibench.report;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/** PNG bar chart of a task's median phase times per row, on a log axis (rows differ by orders of magnitude). */
public final class BarChart {
    private BarChart() {
    }

    public static byte[] phaseMedians(String title, List<ResultRow> rows, List<String> phases) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (ResultRow row : rows) {
            if (!ResultRow.PASSED.equals(row.status()) || row.phases() == null) {
                continue;
            }
            for (String phase : phases) {
                PhaseStats s = row.phases().get(phase);
                if (s != null && s.medianNs() > 0) {
                    data.addValue(s.medianNs() / 1e3, row.impl(), phase);
                }
            }
        }
        JFreeChart chart = ChartFactory.createBarChart(title, "phase", "median time per operation (µs, log scale)", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        LogAxis axis = new LogAxis("median time per operation (µs, log scale)");
        axis.setSmallestValue(1e-3);
        plot.setRangeAxis(axis);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, 960, 540);
        return png.toByteArray();
    }
}
