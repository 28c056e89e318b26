package org.equibench.report.charts;

import java.util.List;

/** A rendered chart: the PNG, and the labels of the items the renderer actually drew, top to bottom. */
public record DrawnChart(byte[] png, List<String> drawn) {
}
