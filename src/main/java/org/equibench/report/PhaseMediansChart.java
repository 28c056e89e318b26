package org.equibench.report;

import java.util.ArrayList;
import java.util.List;
import org.equibench.report.charts.DrawnChart;
import org.equibench.report.charts.GroupedBarChart;
import org.equibench.report.charts.LabelledLogAxis;
import org.equibench.task.Task;

/** A task's median phase times per row as grouped bars on a log time axis (rows differ by orders of magnitude). */
final class PhaseMediansChart {
    private PhaseMediansChart() {
    }

    static ChartImage of(Task task, List<ResultRow> rows) {
        String title = task.id() + " — median time per operation, every phase";
        GroupedBarChart chart = new GroupedBarChart(title)
                .axis(LabelledLogAxis.time("median time per operation (log scale)"), Figures::time)
                .subtitle("absolute times of the rows that passed the equivalence gate; ratios are in the charts beside");
        List<String> notDrawn = new ArrayList<>();
        for (ResultRow row : rows) {
            if (!ResultRow.PASSED.equals(row.status()) || row.phases() == null) {
                notDrawn.add(row.impl() + " (" + NotDrawn.why(row) + ")");
                continue;
            }
            chart.series(row.impl(), RowColours.of(row.impl()));
            for (String phase : task.phases()) {
                PhaseStats s = row.phases().get(phase);
                if (s != null) {
                    chart.value(row.impl(), phase, s.medianNs());
                }
            }
        }
        if (!notDrawn.isEmpty()) {
            chart.note(NotDrawn.note(notDrawn));
        }
        DrawnChart drawn = chart.render(960, 540);
        List<String> drawnRows = drawn.drawn().stream().map(bar -> bar.substring(0, bar.lastIndexOf('@'))).distinct().toList();
        return new ChartImage(ChartKind.MEDIANS, task.id(), "", null, title, drawn.png(), drawnRows, drawn.drawn().size(), notDrawn);
    }
}
