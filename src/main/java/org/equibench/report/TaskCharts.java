package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equibench.task.ReportColumn;
import org.equibench.task.ReportColumn.Source;
import org.equibench.task.Task;

/**
 * Every chart of a task, in reading order: the time ratio of each phase (and of each time per metric the task
 * reports, e.g. per k-means iteration), the memory ratio, the claim audit where the task has claims, and the
 * median times on a time axis. The same list feeds latest.html, the PNG files and the Allure report.
 */
public final class TaskCharts {
    private TaskCharts() {
    }

    /** Every task's charts for a run; {@code root} (may be null) is where claims files are read from. */
    public static List<ChartImage> ofRun(ResultsFile results, List<Task> tasks, Path root) {
        List<ChartImage> charts = new ArrayList<>();
        for (Task task : tasks) {
            List<ResultRow> rows = results.rows().stream().filter(r -> r.task().equals(task.id())).toList();
            if (!rows.isEmpty()) {
                charts.addAll(of(task, rows, root));
            }
        }
        return charts;
    }

    public static List<ChartImage> of(Task task, List<ResultRow> rows, Path root) {
        List<ChartImage> charts = new ArrayList<>();
        for (ReportColumn column : timeColumns(task)) {
            charts.add(RatioChart.time(task, column, rows));
        }
        charts.add(RatioChart.memory(task, memoryColumn(task), rows));
        if (root != null && task.claimsFile() != null && Files.isRegularFile(root.resolve(task.claimsFile()))) {
            try {
                String name = Path.of(task.claimsFile()).getFileName().toString().replaceFirst("\\.json$", "");
                charts.add(ClaimChart.of(task, name, ClaimAudit.read(root.resolve(task.claimsFile())), rows));
            } catch (IOException e) {
                // the claim audit table says why it is unavailable; the other charts still stand
            }
        }
        charts.add(PhaseMediansChart.of(task, rows));
        return charts;
    }

    /** The task's time columns with a ratio, in table order, then a plain column for each phase they leave out. */
    static List<ReportColumn> timeColumns(Task task) {
        List<ReportColumn> columns = new ArrayList<>(task.reportColumns().stream()
                .filter(c -> c.source() == Source.PHASE_MEDIAN_TIME && c.ratio()).toList());
        for (String phase : task.phases()) {
            if (columns.stream().noneMatch(c -> c.key().equals(phase) && c.perMetric() == null)) {
                columns.add(ReportColumn.time("Time", phase, phase));
            }
        }
        return columns;
    }

    /** The task's first peak-RSS column with a ratio (the phase that does the work), else the process peak. */
    static ReportColumn memoryColumn(Task task) {
        return task.reportColumns().stream().filter(c -> c.source() == Source.PHASE_PEAK_RSS && c.ratio()).findFirst()
                .or(() -> task.reportColumns().stream().filter(c -> c.source() == Source.PROCESS_PEAK_RSS && c.ratio()).findFirst())
                .orElse(ReportColumn.memory("Memory", "process peak RSS", Source.PROCESS_PEAK_RSS, ""));
    }
}
