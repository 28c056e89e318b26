package org.equibench.report.charts;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.data.category.CategoryDataset;

/**
 * A bar renderer that remembers what it drew in the last rendering, so a chart can say what it shows (the browser
 * check compares that with the results), and that knows where a category's slot lies across the value axis.
 */
abstract class RecordingBarRenderer extends BarRenderer {
    private final transient List<String> drawn = new ArrayList<>();

    List<String> drawn() {
        return List.copyOf(drawn);
    }

    protected void recordDrawn(String item) {
        drawn.add(item);
    }

    @Override
    public CategoryItemRendererState initialise(Graphics2D g2, Rectangle2D dataArea, CategoryPlot plot, int rendererIndex,
                                                PlotRenderingInfo info) {
        drawn.clear();
        return super.initialise(g2, dataArea, plot, rendererIndex, info);
    }

    /** Where a category's slot starts and ends in Java2D space (top and bottom for horizontal charts). */
    protected static double[] slot(CategoryAxis domainAxis, CategoryDataset dataset, Rectangle2D dataArea, CategoryPlot plot,
                                   int column) {
        return new double[] {
            domainAxis.getCategoryStart(column, dataset.getColumnCount(), dataArea, plot.getDomainAxisEdge()),
            domainAxis.getCategoryEnd(column, dataset.getColumnCount(), dataArea, plot.getDomainAxisEdge())};
    }
}
