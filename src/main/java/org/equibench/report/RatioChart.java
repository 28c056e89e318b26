package org.equibench.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.equibench.report.charts.Bar;
import org.equibench.report.charts.DrawnChart;
import org.equibench.report.charts.HorizontalBarChart;
import org.equibench.report.charts.LabelledLogAxis;
import org.equibench.task.ReportColumn;
import org.equibench.task.Task;

/**
 * One figure of a task (a phase's median time, or a peak RSS) as each row's ratio to the task's baseline row:
 * horizontal bars on a log axis centred on 1×, sorted from the smallest ratio, the time ratios with their 95%
 * bootstrap CI as whiskers ({@link ColumnValues#ratioCi95}, as in the summary tables), rows without a figure
 * listed under the chart instead of drawn.
 */
final class RatioChart {
    /** The bars to draw, sorted, and the rows left out with the reason. */
    record Bars(List<Bar> bars, List<String> notDrawn) {
    }

    private RatioChart() {
    }

    static ChartImage time(Task task, ReportColumn column, List<ResultRow> rows) {
        return draw(ChartKind.TIME_RATIO, task, column, rows, "median time ÷ " + task.baselineImpl()
                + "'s · log scale · below 1× = faster · whiskers: 95% bootstrap CI", "time ÷ " + task.baselineImpl());
    }

    static ChartImage memory(Task task, ReportColumn column, List<ResultRow> rows) {
        return draw(ChartKind.MEMORY_RATIO, task, column, rows, "peak RSS ÷ " + task.baselineImpl()
                + "'s · log scale · below 1× = less · one figure per row, no interval", "peak RSS ÷ " + task.baselineImpl());
    }

    private static ChartImage draw(ChartKind kind, Task task, ReportColumn column, List<ResultRow> rows, String subtitle,
                                   String axisLabel) {
        Bars b = bars(task, column, rows);
        String title = task.id() + " — " + column.table() + ": " + column.title();
        HorizontalBarChart chart = new HorizontalBarChart(title).subtitle(subtitle)
                .axis(LabelledLogAxis.ratio(axisLabel), 1, true).referenceLine(1, null).bars(b.bars())
                .legend(RowColours.families(b.bars().stream().map(Bar::label).toList()));
        if (!b.notDrawn().isEmpty()) {
            chart.note(NotDrawn.note(b.notDrawn()));
        }
        DrawnChart drawn = chart.render();
        return new ChartImage(kind, task.id(), column.key(), column.perMetric(), title, drawn.png(), drawn.drawn(),
                drawn.drawn().size(), b.notDrawn());
    }

    static Bars bars(Task task, ReportColumn column, List<ResultRow> rows) {
        Optional<ResultRow> baseline = rows.stream()
                .filter(r -> r.impl().equals(task.baselineImpl()) && ResultRow.PASSED.equals(r.status())).findFirst();
        List<Bar> bars = new ArrayList<>();
        List<String> notDrawn = new ArrayList<>();
        for (ResultRow row : rows) {
            if (!ResultRow.PASSED.equals(row.status())) {
                notDrawn.add(row.impl() + " (" + NotDrawn.why(row) + ")");
                continue;
            }
            if (baseline.isEmpty()) {
                notDrawn.add(row.impl() + " (no ratio: the baseline " + task.baselineImpl() + " has no figures)");
                continue;
            }
            double ratio = ColumnValues.value(column, row) / ColumnValues.value(column, baseline.get());
            if (!(ratio > 0) || Double.isInfinite(ratio)) {
                notDrawn.add(row.impl() + " (no figure)");
                continue;
            }
            boolean isBaseline = row == baseline.get();
            double[] ci = isBaseline ? null : ColumnValues.ratioCi95(column, row, baseline.get());
            bars.add(new Bar(row.impl(), ratio, ci == null ? Double.NaN : ci[0], ci == null ? Double.NaN : ci[1],
                    RowColours.of(row.impl()), isBaseline ? "1× (baseline)" : Figures.ratio(ratio)));
        }
        bars.sort(Comparator.comparingDouble(Bar::value));
        return new Bars(bars, notDrawn);
    }
}
