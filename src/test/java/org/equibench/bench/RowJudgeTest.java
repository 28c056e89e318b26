package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.bench.Settings;
import org.equibench.check.EquivalenceGate;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.report.ResultRow;
import org.equibench.runner.RowRun;
import org.equibench.protocol.RunResult;
import org.equibench.task.Implementation;
import org.equibench.check.OutputCheck;
import org.equibench.protocol.InputFile;
import org.equibench.task.InputDeclaration;
import org.equibench.task.Scale;
import org.equibench.task.TaskParams;
import org.equibench.task.ReportColumn;
import org.equibench.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A row's verdict: equal outputs are not enough, its manifest must match too unless the task declares why not. */
class RowJudgeTest {
    @TempDir
    Path dir;

    /** A task with one output, one check and one declared manifest difference. */
    static final class OneOutputTask implements Task {
        @Override public String id() { return "demo"; }
        @Override public String family() { return "demo"; }
        @Override public String title() { return "demo"; }
        @Override public int order() { return 0; }
        @Override public String dataset() { return "generated"; }
        @Override public List<Implementation> implementations() { return List.of(Implementation.of("x/a", "a", "f64")); }
        @Override public String referenceImpl() { return "x/ref"; }
        @Override public String baselineImpl() { return "x/ref"; }
        @Override public String dtype() { return "f64"; }
        @Override public List<String> phases() { return List.of("fit"); }
        @Override public List<String> outputs() { return List.of("w"); }
        @Override public java.util.Map<String, List<String>> verifiedOutputs() { return java.util.Map.of(); }
        @Override public List<OutputCheck> checks(Implementation impl) { return List.of(OutputCheck.maxAbs("w", 1e-9, "same maths")); }
        @Override public Map<String, String> declaredDifferences(Implementation impl) { return Map.of("hp.solver", "another solver"); }
        @Override public List<InputDeclaration> inputs() { return List.of(); }
        @Override public TaskParams params(Scale scale) { return null; }
        @Override public Map<String, InputFile> prepare(Path root, Path d, Scale scale) { return null; }
        @Override public List<ReportColumn> reportColumns() { return List.of(); }
    }

    private RowRun run(Map<String, Object> manifest) throws Exception {
        Path out = dir.resolve("out");
        Npy.write(out.resolve("w.npy"), NdArray.f64(new double[] {1, 2}, 2));
        Map<String, Object> runtime = new LinkedHashMap<>();
        runtime.put("manifest", manifest);
        RunResult result = new RunResult(1, "demo", "x/a", "ok", null, runtime, Map.of(),
                Map.of("fit", new RunResult.PhaseSamples(1, 1, List.of(10L, 11L), 1L, 2L, true, null, 5L)),
                Map.of("w", "w.npy"), List.of(), null);
        return new RowRun(null, result, null, 0, 100, 1000, "", out, List.of(), 0, Map.of(), null);
    }

    private ReferenceOutputs reference() throws Exception {
        Path r = dir.resolve("ref.npy");
        Npy.write(r, NdArray.f64(new double[] {1, 2}, 2));
        return ReferenceOutputs.of(new EquivalenceGate.Outputs("x/ref", Map.of("w", r), Map.of()),
                Map.of("dtype", "f64", "hp.solver", "lstsq", "hp.tol", 0.0));
    }

    @Test
    void aDeclaredDifferencePassesAndIsReported() throws Exception {
        Task task = new OneOutputTask();
        ResultRow row = RowJudge.judge(task, task.implementations().get(0),
                run(Map.of("dtype", "f64", "hp.solver", "qr", "hp.tol", 0)), reference());
        assertThat(row.status()).isEqualTo(ResultRow.PASSED);
        assertThat(row.manifestDifferences()).singleElement().satisfies(d -> {
            assertThat(d.field()).isEqualTo("hp.solver");
            assertThat(d.declaredReason()).isEqualTo("another solver");
        });
        assertThat(row.phases()).containsKey("fit");
    }

    @Test
    void anUndeclaredDifferenceFailsTheRowNamingTheFieldAndHidesItsTimings() throws Exception {
        Task task = new OneOutputTask();
        ResultRow row = RowJudge.judge(task, task.implementations().get(0),
                run(Map.of("dtype", "f64", "hp.solver", "lstsq", "hp.tol", 1e-4)), reference());
        assertThat(row.status()).isEqualTo(ResultRow.FAILED);
        assertThat(row.reason()).contains("manifest field hp.tol differs from x/ref (0 there, 1.0E-4 here) and the task does not declare it");
        assertThat(row.phases()).isNull();
    }

    @Test
    void aFieldTheRunnerDoesNotReportIsMissingAndFailsTheRow() throws Exception {
        Task task = new OneOutputTask();
        ResultRow row = RowJudge.judge(task, task.implementations().get(0), run(Map.of("dtype", "f64", "hp.solver", "lstsq")),
                reference());
        assertThat(row.status()).isEqualTo(ResultRow.FAILED);
        assertThat(row.reason()).contains("manifest field hp.tol differs from x/ref (0 there, missing here)");
    }
}
