package org.equibench.task;

/**
 * A column of a task's summary table (results/latest.md): a metric, or a statistic of a phase.
 * Columns with {@code ratio} also show each row's figure divided by the task's baseline row.
 */
public record ReportColumn(String table, String title, Source source, String key, String perMetric, boolean ratio) {

    public enum Source {
        /** a metric from the result, shown as a percentage */
        METRIC_PERCENT,
        /** a metric from the result, shown as a plain number */
        METRIC_NUMBER,
        /** median time per operation of a phase (divided by a metric such as n_iter if {@code perMetric} is set) */
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
        return new ReportColumn(table, title, Source.METRIC_PERCENT, metric, null, false);
    }

    public static ReportColumn number(String table, String title, String metric) {
        return new ReportColumn(table, title, Source.METRIC_NUMBER, metric, null, false);
    }

    public static ReportColumn time(String table, String title, String phase) {
        return new ReportColumn(table, title, Source.PHASE_MEDIAN_TIME, phase, null, true);
    }

    /** A phase's median time divided by a metric of the row, e.g. fit time per k-means iteration. */
    public static ReportColumn timePer(String table, String title, String phase, String metric) {
        return new ReportColumn(table, title, Source.PHASE_MEDIAN_TIME, phase, metric, true);
    }

    public static ReportColumn memory(String table, String title, Source source, String phase) {
        return new ReportColumn(table, title, source, phase, null, true);
    }

    /** A memory figure shown without a ratio: growth and allocation are often 0 or a few pages, and ratios of such say nothing. */
    public static ReportColumn memoryWithoutRatio(String table, String title, Source source, String phase) {
        return new ReportColumn(table, title, source, phase, null, false);
    }

    /** The usual memory columns of a phase: its peak RSS and its growth, plus the process peak. */
    public static java.util.List<ReportColumn> memoryOf(String table, String phase) {
        return java.util.List.of(
                memory(table, phase + " peak RSS", Source.PHASE_PEAK_RSS, phase),
                memoryWithoutRatio(table, phase + " RSS growth", Source.PHASE_RSS_DELTA, phase),
                memory(table, "process peak RSS", Source.PROCESS_PEAK_RSS, ""));
    }
}
