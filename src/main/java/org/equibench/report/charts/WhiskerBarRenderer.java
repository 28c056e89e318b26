package org.equibench.report.charts;

import java.awt.BasicStroke;
import java.awt.Graphics2D;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.CategoryItemRendererState;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.CategoryDataset;

/**
 * Draws horizontal bars from a base value (1× for ratios, so faster rows point left and slower rows right),
 * each with its interval as a whisker and its value printed beyond the bar's end; records what it drew.
 */
final class WhiskerBarRenderer extends RecordingBarRenderer {
    private static final double MAX_THICKNESS = 20;
    private final transient List<Bar> bars;
    private final double base;

    WhiskerBarRenderer(List<Bar> bars, double base) {
        this.bars = bars;
        this.base = base;
    }

    @Override
    public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
                         CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset, int row, int column, int pass) {
        Bar bar = bars.get(column);
        RectangleEdge valueEdge = plot.getRangeAxisEdge();
        double[] slot = slot(domainAxis, dataset, dataArea, plot, column);
        double top = slot[0];
        double bottom = slot[1];
        double mid = (top + bottom) / 2;
        double thickness = Math.min(MAX_THICKNESS, (bottom - top) * 0.8);
        double x0 = rangeAxis.valueToJava2D(base, dataArea, valueEdge);
        double x1 = rangeAxis.valueToJava2D(bar.value(), dataArea, valueEdge);
        Rectangle2D rect = new Rectangle2D.Double(Math.min(x0, x1), mid - thickness / 2, Math.max(Math.abs(x1 - x0), 2.5), thickness);
        g2.setPaint(bar.colour());
        g2.fill(rect);
        g2.setPaint(bar.colour().darker());
        g2.setStroke(new BasicStroke(1f));
        g2.draw(rect);
        double left = Math.min(x0, x1);
        double right = Math.max(x0, x1);
        if (bar.hasInterval()) {
            double lo = rangeAxis.valueToJava2D(bar.low(), dataArea, valueEdge);
            double hi = rangeAxis.valueToJava2D(bar.high(), dataArea, valueEdge);
            Whisker.draw(g2, lo, hi, mid, thickness * 0.7);
            left = Math.min(x1, lo);
            right = Math.max(x1, hi);
        }
        g2.setFont(ChartLayout.VALUE);
        g2.setPaint(ChartLayout.INK);
        boolean rightwards = bar.value() >= base;
        TextUtils.drawAlignedString(bar.valueLabel(), g2, (float) (rightwards ? right + 5 : left - 5), (float) mid,
                rightwards ? TextAnchor.CENTER_LEFT : TextAnchor.CENTER_RIGHT);
        recordDrawn(bar.label());
    }

    /** The whisker of an interval: a line with a cap at each end. */
    static final class Whisker {
        private Whisker() {
        }

        static void draw(Graphics2D g2, double lo, double hi, double mid, double cap) {
            g2.setPaint(ChartLayout.INK);
            g2.setStroke(new BasicStroke(1.5f));
            g2.draw(new Line2D.Double(lo, mid, hi, mid));
            g2.draw(new Line2D.Double(lo, mid - cap / 2, lo, mid + cap / 2));
            g2.draw(new Line2D.Double(hi, mid - cap / 2, hi, mid + cap / 2));
        }
    }
}
