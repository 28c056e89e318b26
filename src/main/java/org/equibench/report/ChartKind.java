package org.equibench.report;

/** The kinds of chart in the report; the id names the PNG files and is carried by each chart's img tag. */
public enum ChartKind {
    /** per task and phase: each row's median time ÷ the baseline row's, with its 95% CI */
    TIME_RATIO("time-ratio"),
    /** per task: each row's peak RSS ÷ the baseline row's */
    MEMORY_RATIO("memory-ratio"),
    /** per task with a claims file: each claim's range against the ratio measured here */
    CLAIMS("claims"),
    /** per task: every row's median time of every phase, on a time axis */
    MEDIANS("medians");

    private final String id;

    ChartKind(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
