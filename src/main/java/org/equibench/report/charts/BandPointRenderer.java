package org.equibench.report.charts;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
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
 * Draws each line's expected range as a grey band and the measured value as a point with its whisker: a circle in
 * one colour where it agrees, a diamond in another where it does not (shape as well as colour, for every reader).
 */
final class BandPointRenderer extends RecordingBarRenderer {
    static final Color BAND = new Color(0xD9D9D9);
    private static final double POINT = 11;
    private final transient List<Band> bands;
    private final Color agrees;
    private final Color disagrees;

    BandPointRenderer(List<Band> bands, Color agrees, Color disagrees) {
        this.bands = bands;
        this.agrees = agrees;
        this.disagrees = disagrees;
    }

    /** The point's shape centred on (x, y): a circle where the value agrees, a diamond where it does not. */
    static java.awt.Shape point(boolean agrees, double x, double y) {
        if (agrees) {
            return new Ellipse2D.Double(x - POINT / 2, y - POINT / 2, POINT, POINT);
        }
        double r = POINT / 2 + 1.5;
        java.awt.geom.Path2D.Double d = new java.awt.geom.Path2D.Double();
        d.moveTo(x, y - r);
        d.lineTo(x + r, y);
        d.lineTo(x, y + r);
        d.lineTo(x - r, y);
        d.closePath();
        return d;
    }

    @Override
    public void drawItem(Graphics2D g2, CategoryItemRendererState state, Rectangle2D dataArea, CategoryPlot plot,
                         CategoryAxis domainAxis, ValueAxis rangeAxis, CategoryDataset dataset, int row, int column, int pass) {
        Band band = bands.get(column);
        RectangleEdge valueEdge = plot.getRangeAxisEdge();
        double[] slot = slot(domainAxis, dataset, dataArea, plot, column);
        double top = slot[0];
        double bottom = slot[1];
        double mid = (top + bottom) / 2;
        double thickness = Math.min(22, (bottom - top) * 0.85);
        double b0 = rangeAxis.valueToJava2D(band.bandLow(), dataArea, valueEdge);
        double b1 = rangeAxis.valueToJava2D(band.bandHigh(), dataArea, valueEdge);
        g2.setPaint(BAND);
        g2.fill(new Rectangle2D.Double(Math.min(b0, b1), mid - thickness / 2, Math.max(2, Math.abs(b1 - b0)), thickness));
        double x = rangeAxis.valueToJava2D(band.value(), dataArea, valueEdge);
        double right = x + POINT / 2 + 1.5;
        if (band.hasInterval()) {
            double lo = rangeAxis.valueToJava2D(band.low(), dataArea, valueEdge);
            double hi = rangeAxis.valueToJava2D(band.high(), dataArea, valueEdge);
            WhiskerBarRenderer.Whisker.draw(g2, lo, hi, mid, thickness * 0.6);
            right = Math.max(right, Math.max(lo, hi));
        }
        java.awt.Shape point = point(band.agrees(), x, mid);
        g2.setPaint(band.agrees() ? agrees : disagrees);
        g2.fill(point);
        g2.setPaint(ChartLayout.INK);
        g2.setStroke(new BasicStroke(1f));
        g2.draw(point);
        g2.setFont(ChartLayout.VALUE);
        TextUtils.drawAlignedString(band.valueLabel(), g2, (float) (right + 6), (float) mid, TextAnchor.CENTER_LEFT);
        recordDrawn(band.label());
    }
}
