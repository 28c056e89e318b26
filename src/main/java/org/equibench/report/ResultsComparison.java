package org.equibench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.equibench.measure.Bootstrap;

/**
 * Row-by-row comparison of two results files: for every phase both runs measured, the ratio of medians
 * (new ÷ old) with its 95% bootstrap CI, and a verdict that calls a change only when the whole CI lies
 * beyond the threshold — noise inside the CI is never reported as a regression.
 */
public final class ResultsComparison {
    /** One phase of one row in both runs. */
    public record Line(String task, String impl, String phase, double oldMedianNs, double newMedianNs, double ratio,
                       double ciLow, double ciHigh, String verdict) {
    }

    /** A results file that cannot be compared, with what is wrong. */
    public static final class IncomparableException extends Exception {
        public IncomparableException(String message) {
            super(message);
        }
    }

    private ResultsComparison() {
    }

    public static List<Line> compare(ResultsFile older, ResultsFile newer, double threshold) throws IncomparableException {
        requireSchema("first", older);
        requireSchema("second", newer);
        Set<String> oldTasks = tasks(older);
        Set<String> newTasks = tasks(newer);
        if (!oldTasks.equals(newTasks)) {
            throw new IncomparableException("the two runs cover different task sets: first " + oldTasks + ", second " + newTasks
                    + " (select the same tasks with -Dequibench.tasks)");
        }
        Map<String, ResultRow> oldRows = byKey(older);
        List<Line> lines = new ArrayList<>();
        for (ResultRow row : newer.rows()) {
            ResultRow before = oldRows.get(row.task() + " " + row.impl());
            if (before == null || before.phases() == null || row.phases() == null) {
                lines.add(new Line(row.task(), row.impl(), "*", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                        before == null ? "new row" : "not comparable (" + before.status() + " → " + row.status() + ")"));
                continue;
            }
            for (var e : row.phases().entrySet()) {
                PhaseStats was = before.phases().get(e.getKey());
                if (was == null || was.samplesNs() == null || e.getValue().samplesNs() == null) {
                    continue;
                }
                double[] ci = Bootstrap.ratioOfMediansCi95(e.getValue().samples(), was.samples());
                double ratio = e.getValue().medianNs() / was.medianNs();
                String verdict = ci[0] > 1 + threshold ? "regression" : ci[1] < 1 - threshold ? "improvement" : "no change";
                lines.add(new Line(row.task(), row.impl(), e.getKey(), was.medianNs(), e.getValue().medianNs(), ratio, ci[0], ci[1], verdict));
            }
        }
        Map<String, ResultRow> newRows = byKey(newer);
        for (ResultRow row : older.rows()) {
            if (!newRows.containsKey(row.task() + " " + row.impl())) {
                lines.add(new Line(row.task(), row.impl(), "*", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "row gone"));
            }
        }
        return lines;
    }

    private static void requireSchema(String which, ResultsFile f) throws IncomparableException {
        if (f.schema() != ResultsFile.SCHEMA) {
            throw new IncomparableException("the " + which + " file has schema " + f.schema() + "; this tool reads schema " + ResultsFile.SCHEMA);
        }
        if (f.rows() == null || f.run() == null) {
            throw new IncomparableException("the " + which + " file has no " + (f.run() == null ? "run" : "rows") + " section");
        }
    }

    private static Set<String> tasks(ResultsFile f) {
        Set<String> s = new TreeSet<>();
        f.rows().forEach(r -> s.add(r.task()));
        return s;
    }

    private static Map<String, ResultRow> byKey(ResultsFile f) {
        Map<String, ResultRow> m = new LinkedHashMap<>();
        f.rows().forEach(r -> m.put(r.task() + " " + r.impl(), r));
        return m;
    }

    public static String render(List<Line> lines, double threshold) {
        StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT,
                "%-18s %-22s %-15s %12s %12s %9s %21s  %s%n", "task", "impl", "phase", "first", "second", "ratio",
                "95% CI", "verdict (threshold " + Math.round(threshold * 100) + "%)"));
        Set<String> verdicts = new LinkedHashSet<>();
        for (Line l : lines) {
            verdicts.add(l.verdict());
            out.append(String.format(java.util.Locale.ROOT, "%-18s %-22s %-15s %12s %12s %9s %21s  %s%n", l.task(), l.impl(),
                    l.phase(), Figures.time(l.oldMedianNs()), Figures.time(l.newMedianNs()), Figures.ratio(l.ratio()),
                    Double.isNaN(l.ciLow()) ? "–" : Figures.ratio(l.ciLow()) + " – " + Figures.ratio(l.ciHigh()), l.verdict()));
        }
        return out.toString();
    }
}
