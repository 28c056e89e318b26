package org.equibench.bench;

import java.io.IOException;

import org.equibench.protocol.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.nio.file.Path;
import org.equibench.check.CheckOutcome;
import org.equibench.check.EquivalenceGate;
import org.equibench.check.ManifestComparison;
import org.equibench.check.SpecIdentity;
import org.equibench.report.ColdFigures;
import org.equibench.report.PhaseStats;
import org.equibench.report.ResultRow;
import org.equibench.runner.RowRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.Implementation;
import org.equibench.task.Task;

/**
 * Turns a row's run into its reported row: skipped, error, failed (equivalence) or passed. Only a passed row
 * carries phases and metrics — equivalence before speed.
 */
public final class RowJudge {
    private RowJudge() {
    }

    public static ResultRow skipped(Task task, Implementation impl, String reason) {
        return row(task, impl, ResultRow.SKIPPED, reason, null, List.of(), List.of(), null, null, null, List.of(), List.of());
    }

    public static ResultRow judge(Task task, Implementation impl, RowRun run, ReferenceOutputs reference) {
        return judge(task, impl, run, List.of(run), reference);
    }

    /** {@code run} is the row's pooled run, {@code rounds} the processes it pooled (for the cold figures). */
    public static ResultRow judge(Task task, Implementation impl, RowRun run, List<RowRun> rounds, ReferenceOutputs reference) {
        ColdFigures cold = RowRounds.cold(rounds);
        if (!run.ok()) {
            return row(task, impl, ResultRow.ERROR, run.error(), null, List.of(), List.of(), run, null, null, List.of(), rounds);
        }
        List<CheckOutcome> timedWork = TimedWorkCheck.outcomes(task, impl, rounds.stream().filter(RowRun::ok).toList());
        if (reference.noGoldenKept() && impl.id().equals(task.referenceImpl())) {
            List<CheckOutcome> outcomes = new ArrayList<>(List.of(new CheckOutcome("all outputs", impl.id(), "is_reference", 0, 0,
                    "this row defines the reference; " + reference.unavailable(), true, null)));
            outcomes.addAll(timedWork);
            if (timedWork.stream().anyMatch(o -> !o.passed())) {
                return row(task, impl, ResultRow.FAILED, timedWorkProblems(timedWork), impl.id() + " (itself)", outcomes, List.of(),
                        run, null, null, List.of(), rounds);
            }
            return row(task, impl, ResultRow.PASSED, "", impl.id() + " (itself)", outcomes, List.of(), run, run, cold,
                    okRounds(rounds), rounds);
        }
        if (!reference.available()) {
            return row(task, impl, ResultRow.ERROR, task.id() + " " + impl.id() + ": no reference to compare with: "
                    + reference.unavailable(), null, List.of(), List.of(), run, null, null, List.of(), rounds);
        }
        String label = reference.outputs().label();
        List<CheckOutcome> outcomes = new ArrayList<>(EquivalenceGate.evaluate(task.checks(impl), TaskMatrix.outputsOf(run, impl.id()),
                reference.outputs()));
        List<ManifestComparison.Difference> differences = ManifestComparison.compare(reference.manifest(),
                Manifest.of(run.result().runtime()), task.declaredDifferences(impl));
        List<String> problems = new ArrayList<>();
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        if (failed > 0) {
            problems.add(failed + " of " + outcomes.size() + " equivalence checks failed against " + label);
        }
        outcomes.addAll(timedWork);
        if (timedWork.stream().anyMatch(o -> !o.passed())) {
            problems.add(timedWorkProblems(timedWork));
        }
        differences.stream().filter(d -> !d.declared()).forEach(d -> problems.add("manifest field " + d.field()
                + " differs from " + label + " (" + d.reference() + " there, " + d.actual() + " here) and the task does not declare it"));
        if (!problems.isEmpty()) {
            return row(task, impl, ResultRow.FAILED, String.join("; ", problems), label, outcomes, differences, run, null, null,
                    List.of(), rounds);
        }
        return row(task, impl, ResultRow.PASSED, "", label, outcomes, differences, run, run, cold, okRounds(rounds), rounds);
    }

    private static String timedWorkProblems(List<CheckOutcome> timedWork) {
        return String.join("; ", timedWork.stream().filter(o -> !o.passed()).map(CheckOutcome::problem).toList());
    }

    /** How many samples of a phase each process gave, in the order {@link RowRounds#pooled} pools them. */
    private static List<Integer> samplesPerProcess(List<RowRun> processes, String phase) {
        List<Integer> counts = new ArrayList<>();
        for (RowRun r : processes) {
            var p = r.result().phases() == null ? null : r.result().phases().get(phase);
            if (p == null) {
                return null;
            }
            counts.add(p.samplesNs().size());
        }
        return counts;
    }

    /** The row's processes whose outputs the derived figures pool (all of them once the row has passed). */
    private static List<RowRun> okRounds(List<RowRun> rounds) {
        return rounds.stream().filter(RowRun::ok).toList();
    }

    /**
     * {@code measured} is the run whose figures may be reported (null unless the row passed), {@code processes} the
     * processes whose outputs the derived figures pool, {@code rounds} every process the row ran in (for its hosts).
     */
    private static ResultRow row(Task task, Implementation impl, String status, String reason, String reference,
                                 List<CheckOutcome> outcomes, List<ManifestComparison.Difference> differences,
                                 RowRun run, RowRun measured, ColdFigures cold, List<RowRun> processes, List<RowRun> rounds) {
        Map<String, PhaseStats> phases = null;
        Map<String, Double> metrics = null;
        if (measured != null && measured.result().phases() != null) {
            phases = new LinkedHashMap<>();
            for (var e : measured.result().phases().entrySet()) {
                phases.put(e.getKey(), PhaseStats.of(e.getValue(), samplesPerProcess(processes, e.getKey())));
            }
            metrics = new LinkedHashMap<>(measured.result().metrics() == null ? Map.of() : measured.result().metrics());
            try {
                metrics.putAll(task.derivedMetrics(measured.spec(), processes.stream()
                        .<Function<String, Path>>map(r -> r::output).toList()));
            } catch (IOException | RuntimeException e) {
                metrics.put("derived_metrics_unreadable", Double.NaN);
            }
        }
        ResultRow.ProcessFigures process = run == null ? null : run.container() == null
                ? new ResultRow.ProcessFigures(run.wallNs(), run.peakRssBytes())
                : new ResultRow.ProcessFigures(run.wallNs(), run.peakRssBytes(), run.container().startupNs(),
                run.container().cgroupPeakBytes(), run.container().limits());
        Map<String, Object> runtime = run == null || run.result() == null ? null : run.result().runtime();
        RunSpec spec = run == null ? null : run.spec();
        int threads = spec == null ? 1 : spec.threads(); // as written into the spec (a skipped row got none: the default)
        String device = spec == null ? "cpu" : spec.device();
        return new ResultRow(task.id(), impl.id(), impl.language(), impl.framework(), impl.dtype(), threads, device, status, reason,
                reference, task.dataset(), impl.note(), outcomes, differences, metrics, phases, process,
                measured == null ? null : cold, runtime,
                run == null ? null : run.environment(),
                rounds.stream().map(RowRun::host).filter(java.util.Objects::nonNull).toList(),
                spec == null ? null : SpecIdentity.of(spec));
    }
}
