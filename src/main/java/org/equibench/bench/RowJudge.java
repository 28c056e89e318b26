package org.equibench.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.check.CheckOutcome;
import org.equibench.check.EquivalenceGate;
import org.equibench.report.PhaseStats;
import org.equibench.report.ResultRow;
import org.equibench.runner.RowRun;
import org.equibench.runner.RunSpec;
import org.equibench.runner.ThreadKnobs;
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
        return row(task, impl, ResultRow.SKIPPED, reason, null, List.of(), null, null);
    }

    public static ResultRow judge(Task task, Implementation impl, RowRun run, ReferenceOutputs reference) {
        if (!run.ok()) {
            return row(task, impl, ResultRow.ERROR, run.error(), null, List.of(), run, null);
        }
        if (reference.noGoldenKept() && impl.id().equals(task.referenceImpl())) {
            CheckOutcome self = new CheckOutcome("all outputs", impl.id(), "is_reference", 0, 0,
                    "this row defines the reference; " + reference.unavailable(), true, null);
            return row(task, impl, ResultRow.PASSED, "", impl.id() + " (itself)", List.of(self), run, run);
        }
        if (!reference.available()) {
            return row(task, impl, ResultRow.ERROR, task.id() + " " + impl.id() + ": no reference to compare with: "
                    + reference.unavailable(), null, List.of(), run, null);
        }
        List<CheckOutcome> outcomes = EquivalenceGate.evaluate(task.checks(impl),
                TaskMatrix.outputsOf(run, impl.id()), reference.outputs());
        long failed = outcomes.stream().filter(o -> !o.passed()).count();
        if (failed > 0) {
            return row(task, impl, ResultRow.FAILED, failed + " of " + outcomes.size() + " equivalence checks failed against "
                    + reference.outputs().label(), reference.outputs().label(), outcomes, run, null);
        }
        return row(task, impl, ResultRow.PASSED, "", reference.outputs().label(), outcomes, run, run);
    }

    /** {@code measured} is the run whose figures may be reported: null unless the row passed. */
    private static ResultRow row(Task task, Implementation impl, String status, String reason, String reference,
                                 List<CheckOutcome> outcomes, RowRun run, RowRun measured) {
        Map<String, PhaseStats> phases = null;
        Map<String, Double> metrics = null;
        if (measured != null && measured.result().phases() != null) {
            phases = new LinkedHashMap<>();
            for (var e : measured.result().phases().entrySet()) {
                phases.put(e.getKey(), PhaseStats.of(e.getValue()));
            }
            metrics = measured.result().metrics();
        }
        ResultRow.ProcessFigures process = run == null ? null : new ResultRow.ProcessFigures(run.wallNs(), run.peakRssBytes());
        Map<String, Object> runtime = run == null || run.result() == null ? null : run.result().runtime();
        RunSpec spec = run == null ? null : run.spec();
        int threads = spec == null ? 1 : spec.threads();
        return new ResultRow(task.id(), impl.id(), impl.language(), impl.framework(), impl.dtype(), threads, status, reason,
                reference, task.dataset(), impl.note(), outcomes, metrics, phases, process, runtime,
                ThreadKnobs.environment(threads));
    }
}
