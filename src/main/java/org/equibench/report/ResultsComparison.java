package org.equibench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.equibench.measure.Bootstrap;
import org.equibench.task.Task;
import org.equibench.task.Tasks;

/**
 * Row-by-row comparison of two results files: for every phase both runs measured, the ratio of medians
 * (new ÷ old) with its 95% bootstrap CI, and the same ratio normalised by the task's baseline row (the row's change
 * ÷ the baseline's change, measured side by side in each run), which cancels what moved the whole run (other load
 * on the machine, another machine). A change is called only when the whole CI lies beyond the threshold, and a
 * regression only when the raw and the normalised figures agree; when they disagree the line says which moved.
 * Rows whose work differs (scale, params, input data, threads, device) are refused, naming the fields.
 */
public final class ResultsComparison {
    /** One phase of one row in both runs; the normalised figures are NaN where the task has no baseline in both. */
    public record Line(String task, String impl, String phase, double oldMedianNs, double newMedianNs, double ratio,
                       double ciLow, double ciHigh, double normRatio, double normLow, double normHigh, String verdict,
                       boolean regression) {
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
        Map<String, ResultRow> newRows = byKey(newer);
        List<Line> lines = new ArrayList<>();
        for (ResultRow row : newer.rows()) {
            ResultRow before = oldRows.get(row.task() + " " + row.impl());
            if (before == null || before.phases() == null || row.phases() == null) {
                lines.add(note(row, before == null ? "new row" : "not comparable (" + before.status() + " → " + row.status() + ")"));
                continue;
            }
            List<String> differences = differences(older, before, newer, row);
            if (!differences.isEmpty()) {
                lines.add(note(row, "not comparable, the work differs: " + String.join("; ", differences)));
                continue;
            }
            String baseline = Tasks.byId(row.task()).map(Task::baselineImpl).orElse(null);
            ResultRow oldBase = baseline == null ? null : oldRows.get(row.task() + " " + baseline);
            ResultRow newBase = baseline == null ? null : newRows.get(row.task() + " " + baseline);
            for (var e : row.phases().entrySet()) {
                PhaseStats was = before.phases().get(e.getKey());
                if (was == null || was.samplesNs() == null || e.getValue().samplesNs() == null) {
                    continue;
                }
                lines.add(line(row, e.getKey(), was, e.getValue(), baseline, phase(oldBase, e.getKey()), phase(newBase, e.getKey()),
                        threshold));
            }
        }
        for (ResultRow row : older.rows()) {
            if (!newRows.containsKey(row.task() + " " + row.impl())) {
                lines.add(note(row, "row gone"));
            }
        }
        return lines;
    }

    private static Line line(ResultRow row, String phase, PhaseStats was, PhaseStats now, String baseline, PhaseStats baseWas,
                             PhaseStats baseNow, double threshold) {
        double[] ci = Bootstrap.ratioOfMediansCi95(now.processes(), was.processes());
        double ratio = now.medianNs() / was.medianNs();
        String raw = change(ci, threshold);
        if (row.impl().equals(baseline) || baseWas == null || baseNow == null) {
            String why = baseline == null ? "no baseline row is known for " + row.task()
                    : row.impl().equals(baseline) ? "the baseline row: nothing to normalise it by"
                    : "no " + baseline + " figures in both runs to normalise by";
            String verdict = raw.equals("no change") ? raw : "raw " + raw + " (" + why + "; rerun both to tell a change from drift)";
            return new Line(row.task(), row.impl(), phase, was.medianNs(), now.medianNs(), ratio, ci[0], ci[1], Double.NaN,
                    Double.NaN, Double.NaN, verdict, false);
        }
        double[] norm = Bootstrap.ratioOfRatiosCi95(now.processes(), was.processes(), baseNow.processes(), baseWas.processes());
        double normRatio = ratio / (baseNow.medianNs() / baseWas.medianNs());
        String normalised = change(norm, threshold);
        String verdict;
        if (raw.equals(normalised)) {
            verdict = raw;
        } else if (normalised.equals("no change")) {
            boolean baselineMoved = change(Bootstrap.ratioOfMediansCi95(baseNow.processes(), baseWas.processes()), threshold).equals(raw);
            verdict = "raw " + raw + ", normalised no change: " + (baselineMoved
                    ? "the whole run moved (" + baseline + " too), not this row"
                    : baseline + "'s own noise leaves the normalised interval too wide to confirm it");
        } else if (raw.equals("no change")) {
            verdict = "normalised " + normalised + ", raw no change: " + baseline + " moved, not this row";
        } else {
            verdict = "raw " + raw + ", normalised " + normalised + ": this row and " + baseline + " both moved";
        }
        return new Line(row.task(), row.impl(), phase, was.medianNs(), now.medianNs(), ratio, ci[0], ci[1], normRatio, norm[0],
                norm[1], verdict, raw.equals("regression") && normalised.equals("regression"));
    }

    private static String change(double[] ci, double threshold) {
        return ci[0] > 1 + threshold ? "regression" : ci[1] < 1 - threshold ? "improvement" : "no change";
    }

    private static PhaseStats phase(ResultRow row, String phase) {
        if (row == null || row.phases() == null) {
            return null;
        }
        PhaseStats p = row.phases().get(phase);
        return p == null || p.samplesNs() == null ? null : p;
    }

    /** What differs in the work the two runs' figures of a row measure. */
    private static List<String> differences(ResultsFile older, ResultRow before, ResultsFile newer, ResultRow row) {
        if (before.spec() != null && row.spec() != null) {
            return before.spec().differences(row.spec());
        }
        // results written before rows carried their spec: the scale is all there is to go by
        String a = older.run().scale();
        String b = newer.run().scale();
        return java.util.Objects.equals(a, b) ? List.of() : List.of("scale: " + a + " → " + b);
    }

    private static Line note(ResultRow row, String verdict) {
        return new Line(row.task(), row.impl(), "*", Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, verdict, false);
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
        String format = "%-18s %-22s %-15s %12s %12s %9s %17s %9s %17s  %s%n";
        StringBuilder out = new StringBuilder(String.format(java.util.Locale.ROOT, format, "task", "impl", "phase", "first",
                "second", "ratio", "95% CI", "normalised", "95% CI", "verdict (threshold " + Math.round(threshold * 100) + "%)"));
        for (Line l : lines) {
            out.append(String.format(java.util.Locale.ROOT, format, l.task(), l.impl(), l.phase(), Figures.time(l.oldMedianNs()),
                    Figures.time(l.newMedianNs()), Figures.ratio(l.ratio()), interval(l.ciLow(), l.ciHigh()),
                    Double.isNaN(l.normRatio()) ? "–" : Figures.ratio(l.normRatio()), interval(l.normLow(), l.normHigh()),
                    l.verdict()));
        }
        out.append("normalised: the row's ratio ÷ its task's baseline row's ratio, which cancels what moved the whole run.\n");
        return out.toString();
    }

    private static String interval(double low, double high) {
        return Double.isNaN(low) ? "–" : Figures.ratio(low) + " – " + Figures.ratio(high);
    }
}
