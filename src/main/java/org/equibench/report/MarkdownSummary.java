package org.equibench.report;

import org.equibench.check.OutputCheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.equibench.check.CheckOutcome;
import org.equibench.task.ReportColumn;
import org.equibench.task.Task;

/**
 * results/latest.md: per task, the seed-style tables (one per {@link ReportColumn#table()}) filled with this
 * run's figures, each figure with its ratio to the task's baseline row, then the declared tolerances.
 */
public final class MarkdownSummary {
    private MarkdownSummary() {
    }

    public static String render(ResultsFile results, List<Task> tasks) {
        return render(results, tasks, null);
    }

    /** With {@code root}, tasks that name a claims file get a claim audit after their tables. */
    public static String render(ResultsFile results, List<Task> tasks, java.nio.file.Path root) {
        StringBuilder md = new StringBuilder();
        RunInfo run = results.run();
        md.append("# equibench results\n\n");
        md.append("Run started ").append(run.startedAt()).append(", scale **").append(run.scale())
                .append("**, commit `").append(run.gitCommit()).append("`.\n\n");
        if (run.interrupted() != null) {
            md.append("**Interrupted:** ").append(run.interrupted())
                    .append(". The rows that finished before are reported below; the others did not run.\n\n");
        }
        md.append("Host: ");
        run.host().forEach((k, v) -> md.append(k).append(" `").append(v).append("`; "));
        md.append("\n\nTimes are medians per operation; a ratio is this row's figure divided by the baseline row's "
                + "(below 1 = faster or smaller), with its 95% bootstrap confidence interval in parentheses for times. "
                + "Only rows that passed the equivalence gate have figures.\n");
        for (Task task : tasks) {
            List<ResultRow> rows = results.rows().stream().filter(r -> r.task().equals(task.id())).toList();
            if (!rows.isEmpty()) {
                renderTask(md, task, rows);
                if (root != null && task.claimsFile() != null) {
                    try {
                        md.append(ClaimAudit.markdown(ClaimAudit.read(root.resolve(task.claimsFile())), rows));
                    } catch (java.io.IOException e) {
                        md.append("\n*Claim audit unavailable: cannot read ").append(task.claimsFile()).append(": ")
                                .append(e.getMessage()).append("*\n");
                    }
                }
            }
        }
        return md.toString();
    }

    /**
     * Where the processes ran, when that was more than one machine (a cluster run), and a warning for each row
     * whose processes ran on different CPU models: its pooled samples then mix two machines.
     */
    static void renderHosts(StringBuilder md, List<ResultRow> rows) {
        long machines = rows.stream().flatMap(r -> r.hosts().stream()).map(org.equibench.measure.ProcessHost::name).distinct().count();
        if (machines > 1) {
            md.append("- Processes ran on: ");
            rows.forEach(r -> md.append("`").append(r.impl()).append("` ").append(String.join(", ",
                    r.hosts().stream().map(org.equibench.measure.ProcessHost::name).toList())).append("; "));
            md.append("\n");
        }
        List<ResultRow> contained = rows.stream().filter(r -> r.process() != null && r.process().containerStartupNs() != null).toList();
        if (!contained.isEmpty()) {
            // -Dequibench.runtime=container: start-up apart from the row's figures, and the cgroup's own memory peak
            md.append("- In containers (").append(contained.get(0).process().containerLimits()).append("): ");
            contained.forEach(r -> md.append("`").append(r.impl()).append("` start-up ")
                    .append(String.format(java.util.Locale.ROOT, "%.2f s", r.process().containerStartupNs() / 1e9))
                    .append(", cgroup memory peak ").append(r.process().cgroupPeakBytes() == null || r.process().cgroupPeakBytes() < 0 ? "n/a"
                            : (r.process().cgroupPeakBytes() >> 20) + " MiB").append("; "));
            md.append("\n");
        }
        for (ResultRow r : rows) {
            if (r.cpuModels().size() > 1) {
                md.append("- **Warning:** the processes of `").append(r.impl()).append("` ran on different CPU models (")
                        .append(String.join("; ", r.cpuModels())).append("): its figures pool two kinds of machine\n");
            }
        }
    }

    /** A warning for each phase whose processes fall into separate modes, with each process's median. */
    static void renderModes(StringBuilder md, List<ResultRow> rows) {
        for (ResultRow r : rows) {
            if (r.phases() == null) {
                continue;
            }
            r.phases().forEach((phase, p) -> {
                if (p.modes() != null) {
                    md.append("- **Warning:** the processes of `").append(r.impl()).append("` fall into two modes in ").append(phase)
                            .append(": ").append(p.modes()).append(" (per-process medians ")
                            .append(String.join(", ", p.processMediansNs().stream().map(Figures::time).toList()))
                            .append("); its median depends on how many processes landed in each\n");
                }
            });
        }
    }

    private static void renderTask(StringBuilder md, Task task, List<ResultRow> rows) {
        md.append("\n## ").append(task.id()).append(" — ").append(task.title()).append("\n\n");
        md.append("- Data: ").append(task.dataset()).append("\n");
        md.append("- Reference outputs: `").append(task.referenceImpl()).append("`; ratios against `")
                .append(task.baselineImpl()).append("`\n");
        md.append("- Rows: ");
        rows.forEach(r -> md.append("`").append(r.impl()).append("` ").append(r.status()).append(" (")
                .append(r.dtype()).append(", ").append(r.threads()).append(r.threads() == 1 ? " thread" : " threads")
                .append(r.device().equals("cpu") ? "" : ", on " + r.device()).append("); "));
        md.append("\n");
        renderHosts(md, rows);
        renderModes(md, rows);

        Optional<ResultRow> baseline = rows.stream().filter(r -> r.impl().equals(task.baselineImpl())).findFirst();
        Map<String, List<ReportColumn>> tables = new LinkedHashMap<>();
        task.reportColumns().forEach(c -> tables.computeIfAbsent(c.table(), k -> new ArrayList<>()).add(c));
        // A run on a GPU: where each row computed, in a column of its own (rows that cannot use it stayed on the cpu).
        boolean devices = rows.stream().anyMatch(r -> !r.device().equals("cpu"));
        for (var table : tables.entrySet()) {
            md.append("\n### ").append(table.getKey()).append("\n\n| implementation |").append(devices ? " device |" : "");
            StringBuilder rule = new StringBuilder(devices ? "|---|---|" : "|---|");
            for (ReportColumn c : table.getValue()) {
                md.append(' ').append(c.title()).append(" |");
                rule.append("---:|");
                if (c.ratio()) {
                    md.append(" × ").append(task.baselineImpl()).append(" |");
                    rule.append("---:|");
                }
            }
            md.append('\n').append(rule).append('\n');
            for (ResultRow row : rows) {
                md.append("| ").append(row.impl()).append(" |").append(devices ? " " + row.device() + " |" : "");
                for (ReportColumn c : table.getValue()) {
                    double v = ColumnValues.value(c, row);
                    md.append(' ').append(ColumnValues.format(c, v)).append(" |");
                    if (c.ratio()) {
                        double base = baseline.map(b -> ColumnValues.value(c, b)).orElse(Double.NaN);
                        md.append(' ').append(Figures.ratio(v / base));
                        double[] ci = ColumnValues.ratioCi95(c, row, baseline.orElse(null));
                        if (ci != null && baseline.map(b -> b != row).orElse(false)) {
                            md.append(" (").append(Figures.ratio(ci[0])).append("–").append(Figures.ratio(ci[1])).append(')');
                        }
                        md.append(" |");
                    }
                }
                md.append('\n');
            }
        }
        renderCold(md, task, rows);
        renderEquivalence(md, rows);
        md.append(ManifestTable.markdown(rows));
        List<ResultRow> unmeasured = rows.stream().filter(r -> !ResultRow.PASSED.equals(r.status())).toList();
        if (!unmeasured.isEmpty()) {
            md.append("\n### Rows without figures\n\n");
            unmeasured.forEach(r -> md.append("- `").append(r.impl()).append("` **").append(r.status()).append("**: ")
                    .append(firstLine(r.reason())).append('\n'));
        }
        List<ResultRow> noted = rows.stream().filter(r -> r.note() != null && !r.note().isBlank()).toList();
        if (!noted.isEmpty()) {
            md.append("\n### Notes\n\n");
            noted.forEach(r -> md.append("- `").append(r.impl()).append("`: ").append(r.note()).append('\n'));
        }
    }

    /** Cold figures (fresh process) beside the warm medians: start-up, then each phase's first call. */
    private static void renderCold(StringBuilder md, Task task, List<ResultRow> rows) {
        List<ResultRow> measured = rows.stream().filter(r -> r.cold() != null).toList();
        if (measured.isEmpty()) {
            return;
        }
        md.append("\n### Cold (fresh process) and warm\n\nStart-up is the harness's spawn to the runner's first phase "
                + "(interpreter or JVM start, imports, engine loading); a first call is a phase's first run in a process. "
                + "Medians over the row's processes; warm medians in parentheses.\n\n| implementation | processes | start-up |");
        StringBuilder rule = new StringBuilder("|---|---:|---:|");
        for (String phase : task.phases()) {
            md.append(" first ").append(phase).append(" (warm) |");
            rule.append("---:|");
        }
        md.append('\n').append(rule).append('\n');
        for (ResultRow r : measured) {
            ColdFigures c = r.cold();
            md.append("| ").append(r.impl()).append(" | ").append(c.startupNs().size()).append(" | ")
                    .append(c.startupMedianNs() == null ? "–" : Figures.time(c.startupMedianNs())).append(" |");
            for (String phase : task.phases()) {
                Double first = c.firstCallMedianNs().get(phase);
                PhaseStats warm = r.phases() == null ? null : r.phases().get(phase);
                md.append(' ').append(first == null ? "–" : Figures.time(first)).append(" (")
                        .append(warm == null ? "–" : Figures.time(warm.medianNs() * warm.opsPerSample())).append(") |");
            }
            md.append('\n');
        }
    }

    private static final java.util.Set<String> LOWER_BOUND_METRICS = java.util.Arrays.stream(OutputCheck.Metric.values())
            .filter(m -> new OutputCheck("", m, 0, "").isLowerBound()).map(m -> m.id).collect(java.util.stream.Collectors.toSet());

    private static void renderEquivalence(StringBuilder md, List<ResultRow> rows) {
        Map<String, List<CheckOutcome>> byCheck = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            if (r.equivalence() != null) {
                // one line per reason too: rows checked alike for different reasons each show theirs
                r.equivalence().forEach(o -> byCheck.computeIfAbsent(o.output() + " " + o.metric() + " " + o.tolerance() + " " + o.why(),
                        k -> new ArrayList<>()).add(o));
            }
        }
        if (byCheck.isEmpty()) {
            return;
        }
        md.append("\n### Equivalence checks\n\n| output | metric | tolerance | worst value | rows passed | why this tolerance |\n"
                + "|---|---|---:|---:|---:|---|\n");
        for (List<CheckOutcome> outcomes : byCheck.values()) {
            CheckOutcome first = outcomes.get(0);
            // a similarity (agreement, Rand index) is worst at its lowest, a distance at its highest
            boolean similarity = LOWER_BOUND_METRICS.contains(first.metric());
            java.util.stream.DoubleStream values = outcomes.stream().mapToDouble(CheckOutcome::value).filter(v -> !Double.isNaN(v));
            double worst = (similarity ? values.min() : values.max()).orElse(Double.NaN);
            long passed = outcomes.stream().filter(CheckOutcome::passed).count();
            md.append("| ").append(first.output()).append(" | ").append(first.metric()).append(" | ")
                    .append(Figures.number(first.tolerance())).append(" | ").append(Figures.number(worst)).append(" | ")
                    .append(passed).append("/").append(outcomes.size()).append(" | ").append(first.why()).append(" |\n");
        }
        // What a passing value hides (declared near-ties of greedy decoding), row by row.
        for (ResultRow r : rows) {
            if (r.equivalence() != null) {
                r.equivalence().stream().filter(o -> o.note() != null)
                        .forEach(o -> md.append("\n- ").append(r.impl()).append(", ").append(o.output()).append(": ").append(o.note()));
            }
        }
        md.append(rows.stream().anyMatch(r -> r.equivalence() != null && r.equivalence().stream().anyMatch(o -> o.note() != null)) ? "\n" : "");
    }

    static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
