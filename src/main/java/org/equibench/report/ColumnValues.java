package org.equibench.report;

import org.equibench.task.ReportColumn;

/** Reads the figure a report column asks for out of a row; NaN where the row has none. */
public final class ColumnValues {
    private ColumnValues() {
    }

    public static double value(ReportColumn column, ResultRow row) {
        if (!ResultRow.PASSED.equals(row.status())) {
            return Double.NaN;
        }
        PhaseStats phase = row.phases() == null ? null : row.phases().get(column.key());
        return switch (column.source()) {
            case METRIC_PERCENT, METRIC_NUMBER -> metric(row, column.key());
            case PHASE_MEDIAN_TIME -> phase == null ? Double.NaN
                    : column.perMetric() == null ? phase.medianNs() : phase.medianNs() / metric(row, column.perMetric());
            case PHASE_PEAK_RSS -> phase == null || phase.peakRssBytes() == null ? Double.NaN : phase.peakRssBytes();
            case PHASE_RSS_DELTA -> phase == null || phase.rssDeltaBytes() == null ? Double.NaN : phase.rssDeltaBytes();
            case PHASE_ALLOCATED -> phase == null || phase.allocatedBytes() == null ? Double.NaN : phase.allocatedBytes();
            case PROCESS_PEAK_RSS -> row.process() == null || row.process().peakRssBytes() < 0 ? Double.NaN
                    : row.process().peakRssBytes();
        };
    }

    /** 95% CI of this row's median time over the baseline's, for time columns; null otherwise. */
    public static double[] ratioCi95(ReportColumn column, ResultRow row, ResultRow baseline) {
        if (column.source() != ReportColumn.Source.PHASE_MEDIAN_TIME || baseline == null
                || !ResultRow.PASSED.equals(row.status()) || !ResultRow.PASSED.equals(baseline.status())) {
            return null;
        }
        PhaseStats a = row.phases() == null ? null : row.phases().get(column.key());
        PhaseStats b = baseline.phases() == null ? null : baseline.phases().get(column.key());
        if (a == null || b == null || a.samplesNs() == null || b.samplesNs() == null) {
            return null;
        }
        double scale = column.perMetric() == null ? 1 : metric(baseline, column.perMetric()) / metric(row, column.perMetric());
        double[] ci = org.equibench.measure.Bootstrap.ratioOfMediansCi95(a.processes(), b.processes());
        return new double[] {ci[0] * scale, ci[1] * scale};
    }

    private static double metric(ResultRow row, String name) {
        Double v = row.metrics() == null ? null : row.metrics().get(name);
        return v == null ? Double.NaN : v;
    }

    public static String format(ReportColumn column, double v) {
        return switch (column.source()) {
            case METRIC_PERCENT -> Figures.percent(v);
            case METRIC_NUMBER -> Figures.number(v);
            case PHASE_MEDIAN_TIME -> Figures.time(v);
            default -> Figures.bytes(v);
        };
    }
}
