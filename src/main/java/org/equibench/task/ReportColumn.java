package org.equibench.task;

/**
 * A column of a task's summary table (results/latest.md): a metric, or a statistic of a phase.
 * Columns with {@code ratio} also show each row's figure divided by the task's baseline row.
 */
public record ReportColumn(String table, String title, Source source, String key, boolean ratio) {

    public enum Source {
        /** a metric from the result, shown as a percentage */
        METRIC_PERCENT,
        /** median time per operation of a phase */
        PHASE_MEDIAN_TIME,
        /** peak RSS during a phase */
        PHASE_PEAK_RSS,
        /** peak RSS during a phase minus RSS before it */
        PHASE_RSS_DELTA,
        /** bytes allocated per repetition of a phase (JVM rows only) */
        PHASE_ALLOCATED,
        /** peak RSS of the whole process, sampled by the harness */
        PROCESS_PEAK_RSS
    }

    public static ReportColumn percent(String table, String title, String metric) {
        return new ReportColumn(table, title, Source.METRIC_PERCENT, metric, false);
    }

    public static ReportColumn time(String table, String title, String phase) {
        return new ReportColumn(table, title, Source.PHASE_MEDIAN_TIME, phase, true);
    }

    public static ReportColumn memory(String table, String title, Source source, String phase) {
        return new ReportColumn(table, title, source, phase, true);
    }
}
