package org.equibench.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.ReferenceOutputs;
import org.equibench.bench.RowJudge;
import org.equibench.bench.TaskMatrix;
import org.equibench.check.EquivalenceAssert;
import org.equibench.check.GoldenReference;
import org.equibench.report.AllureAttachments;
import org.equibench.report.ResultRow;
import org.equibench.runner.RowRun;
import org.equibench.task.Implementation;
import org.equibench.task.Task;
import org.junit.jupiter.api.Assumptions;

/**
 * A task's rows inside JUnit: runs them (via {@link TaskMatrix}), judges each against the reference, records
 * the row, reports it to Allure, and turns the verdict into a test outcome (skip, error, failure or pass).
 */
public final class TaskBench {
    private final Task task;
    private final BenchmarkSession session;
    private final TaskMatrix matrix;
    private final Map<String, ResultRow> judged = new LinkedHashMap<>();
    private byte[] chart;

    TaskBench(Task task, BenchmarkSession session) {
        this.task = task;
        this.session = session;
        this.matrix = session.matrix(task);
    }

    public Task task() {
        return task;
    }

    /** Runs every selected row, then (with equibench.write-goldens) refreshes the golden, then judges all rows. */
    void runAll() throws IOException {
        matrix.runAll();
        if (session.settings().writeGoldens()) {
            Optional<RowRun> ref = matrix.run(task.implementation(task.referenceImpl()));
            if (ref.isEmpty() || !ref.get().ok()) {
                throw new IllegalStateException("cannot write goldens: the reference row " + task.referenceImpl() + " did not run: "
                        + ref.map(RowRun::error).orElse(matrix.unavailableReason(task.implementation(task.referenceImpl()))));
            }
            matrix.writeGolden(ref.get());
        }
        for (Implementation impl : matrix.selectedImplementations()) {
            judged.put(impl.id(), matrix.judge(impl));
        }
        chart = AllureAttachments.taskChart(task, rows());
    }

    public List<ResultRow> rows() {
        return List.copyOf(judged.values());
    }

    /** The row test: equivalence first; only a row that passed it has its timings recorded. */
    public void verifyThenMeasure(Implementation impl) {
        ResultRow row = judged.get(impl.id());
        AllureAttachments.labels(task, impl, session.settings().threads());
        session.record(row);
        Optional<RowRun> run;
        try {
            run = matrix.run(impl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AllureAttachments.row(row, run.map(r -> r.outDir().getParent()).orElse(null), task, chart);
        AllureAttachments.timelines(task, impl, matrix.rounds(impl));
        switch (row.status()) {
            case ResultRow.SKIPPED -> {
                if (session.settings().requireAll()) {
                    fail(task.id() + " " + impl.id() + " cannot run and equibench.require=all: " + row.reason());
                }
                Assumptions.abort(task.id() + " " + impl.id() + " skipped: " + row.reason());
            }
            case ResultRow.ERROR -> fail(row.reason());
            default -> EquivalenceAssert.assertThat(row.equivalence()).as("%s %s", task.id(), impl.id()).allPassed();
        }
    }

    /** The committed golden exists and was made from the current spec. */
    public void assertGoldenCurrent() throws IOException {
        Assumptions.assumeTrue(matrix.goldenKept(), () -> "no golden is kept for " + task.id() + " at this scale");
        ReferenceOutputs golden = matrix.goldenOutputs();
        assertThat(golden.unavailable()).as("golden reference of %s", task.id()).isNull();
        GoldenReference.Provenance p = matrix.golden().provenance().orElseThrow();
        assertThat(p.outputs().keySet()).as("outputs kept in the golden of %s", task.id())
                .containsExactlyInAnyOrderElementsOf(task.outputs());
    }

    /**
     * Attaches the task's tables and chart, and checks what the results file will say: every selected row was
     * recorded in the session once, with a verdict, and a row that passed has figures for every phase of the task
     * and a fairness manifest (a row the equivalence gate passed must never lack its timings).
     */
    public void summarize() throws IOException {
        AllureAttachments.taskCharts(task, rows(), session.settings().root());
        AllureAttachments.taskTables(task, rows(), session.settings().root());
        List<ResultRow> recorded = session.rows().stream().filter(r -> r.task().equals(task.id())).toList();
        assertThat(recorded).as("rows of %s in the results", task.id()).extracting(ResultRow::impl)
                .containsExactlyInAnyOrderElementsOf(matrix.selectedImplementations().stream().map(Implementation::id).toList());
        for (ResultRow row : recorded) {
            assertThat(row.status()).as("%s %s: verdict", task.id(), row.impl())
                    .isIn(ResultRow.PASSED, ResultRow.FAILED, ResultRow.ERROR, ResultRow.SKIPPED);
            if (row.status().equals(ResultRow.PASSED)) {
                assertThat(row.phases()).as("%s %s: phases of a passed row", task.id(), row.impl())
                        .containsOnlyKeys(task.phases());
                assertThat(org.equibench.protocol.Manifest.of(row.runtime())).as("%s %s: manifest", task.id(), row.impl()).isNotEmpty();
            }
        }
    }
}
