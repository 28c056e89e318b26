package org.equibench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.equibench.measure.ProcessSampler.Sample;
import org.equibench.protocol.RunResult;
import org.equibench.report.charts.Palette;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * PNG timeline of one runner process as the harness sampled it from outside: resident set (MiB, left axis)
 * and CPU use (% of one core, right axis) over time, with each phase's span shaded and named.
 */
public final class TimelineChart {
    /** Okabe–Ito hues that no language family uses, so the shading never reads as a row's colour. */
    private static final Color[] PHASE_COLOURS = {Palette.SKY_BLUE, Palette.YELLOW, Palette.BLUISH_GREEN, Palette.GREY,
            Palette.VERMILLION};

    private TimelineChart() {
    }

    /** {@code rowColour}: the row's colour in every other chart ({@link RowColours}), used for its RSS line. */
    public static byte[] render(String title, List<Sample> samples, long spawnEpochNs, RunResult.Timeline timeline, Color rowColour)
            throws IOException {
        XYSeries rss = new XYSeries("RSS (MiB)");
        XYSeries cpu = new XYSeries("CPU (% of one core)");
        Sample previous = null;
        for (Sample s : samples) {
            double t = s.elapsedNs() / 1e6;
            rss.add(t, s.rssBytes() / (1024.0 * 1024.0));
            if (previous != null && s.cpuNs() >= 0 && previous.cpuNs() >= 0 && s.elapsedNs() > previous.elapsedNs()) {
                cpu.add(t, 100.0 * (s.cpuNs() - previous.cpuNs()) / (s.elapsedNs() - previous.elapsedNs()));
            }
            previous = s;
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "time since process start (ms)", "RSS (MiB)",
                new XYSeriesCollection(rss), PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.getRenderer().setSeriesPaint(0, rowColour);
        plot.getRenderer().setSeriesStroke(0, new BasicStroke(2f));
        NumberAxis cpuAxis = new NumberAxis("CPU (% of one core)");
        cpuAxis.setRange(0, Math.max(110, cpu.getMaxY() * 1.1));
        plot.setRangeAxis(1, cpuAxis);
        plot.setDataset(1, new XYSeriesCollection(cpu));
        plot.mapDatasetToRangeAxis(1, 1);
        XYLineAndShapeRenderer cpuRenderer = new XYLineAndShapeRenderer(true, false);
        cpuRenderer.setSeriesPaint(0, new Color(0x999999));
        cpuRenderer.setSeriesStroke(0, new BasicStroke(1f));
        plot.setRenderer(1, cpuRenderer);
        if (timeline != null && timeline.phases() != null && spawnEpochNs > 0) {
            int i = 0;
            for (Map.Entry<String, RunResult.Span> e : timeline.phases().entrySet()) {
                double start = (e.getValue().startEpochNs() - spawnEpochNs) / 1e6;
                double end = Math.max(start + 0.5, (e.getValue().endEpochNs() - spawnEpochNs) / 1e6);
                Color c = PHASE_COLOURS[i++ % PHASE_COLOURS.length];
                IntervalMarker m = new IntervalMarker(start, end, new Color(c.getRed(), c.getGreen(), c.getBlue(), 60));
                m.setLabel(e.getKey());
                m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
                m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
                plot.addDomainMarker(m, Layer.BACKGROUND);
            }
        }
        chart.setBackgroundPaint(Color.WHITE);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ChartUtils.writeChartAsPNG(png, chart, 960, 420);
        return png.toByteArray();
    }
}
