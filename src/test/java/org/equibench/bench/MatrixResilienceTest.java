package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.equibench.runner.ScriptLauncher;
import org.equibench.task.Implementation;
import org.equibench.task.IrisMlpTask;
import org.equibench.check.OutputCheck;
import org.equibench.protocol.InputFile;
import org.equibench.task.InputDeclaration;
import org.equibench.task.Scale;
import org.equibench.task.TaskParams;
import org.equibench.task.ReportColumn;
import org.equibench.task.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crashing, a hanging and a garbage-writing row do not stop the good row, and the results file is written. */
class MatrixResilienceTest {
    @TempDir
    Path dir;

    /** iris-mlp plus three misbehaving rows run by a fake "shell" runner, with a short timeout. */
    static final class IrisWithBadRows implements Task {
        private final IrisMlpTask iris = new IrisMlpTask();

        @Override
        public List<Implementation> implementations() {
            List<Implementation> all = new ArrayList<>(iris.implementations());
            all.add(Implementation.of("shell/crash", "script that crashes", "f64"));
            all.add(Implementation.of("shell/hang", "script that never ends", "f64"));
            all.add(Implementation.of("shell/garbage", "script writing a broken result.json", "f64"));
            return all;
        }

        @Override
        public Duration timeout(Scale scale) {
            return Duration.ofSeconds(3);
        }

        // everything else is iris-mlp's
        @Override public String id() { return iris.id(); }
        @Override public String family() { return iris.family(); }
        @Override public String title() { return iris.title(); }
        @Override public int order() { return iris.order(); }
        @Override public String dataset() { return iris.dataset(); }
        @Override public String referenceImpl() { return iris.referenceImpl(); }
        @Override public String baselineImpl() { return iris.baselineImpl(); }
        @Override public String dtype() { return iris.dtype(); }
        @Override public List<String> phases() { return iris.phases(); }
        @Override public List<String> outputs() { return iris.outputs(); }
        @Override public List<OutputCheck> checks(Implementation impl) { return iris.checks(impl); }
        @Override public List<ReportColumn> reportColumns() { return iris.reportColumns(); }

        @Override public List<InputDeclaration> inputs() { return iris.inputs(); }
        @Override public TaskParams params(Scale scale) { return iris.params(scale); }

        @Override
        public Map<String, InputFile> prepare(Path root, Path dir, Scale scale) throws java.io.IOException {
            return iris.prepare(root, dir, scale);
        }
    }

    /** The results file carries the fields the README and downstream tools rely on. */
    private static void assertHasTheDocumentedShape(com.fasterxml.jackson.databind.JsonNode json) {
        assertThat(json.get("schema").asInt()).isEqualTo(1);
        assertThat(json.get("run")).isNotNull();
        for (String f : List.of("started_at", "git_commit", "scale", "host")) {
            assertThat(json.get("run").has(f)).as("run.%s", f).isTrue();
        }
        for (String f : List.of("cpu_model", "cores", "os", "java", "python", "rustc")) {
            assertThat(json.get("run").get("host").has(f)).as("run.host.%s", f).isTrue();
        }
        var row = json.get("rows").get(0);
        for (String f : List.of("task", "impl", "language", "framework", "dtype", "threads", "status", "reason",
                "equivalence", "metrics", "phases", "process")) {
            assertThat(row.has(f)).as("rows[0].%s", f).isTrue();
        }
        for (String f : List.of("output", "reference", "metric", "value", "tolerance", "why", "passed")) {
            assertThat(row.get("equivalence").get(0).has(f)).as("equivalence.%s", f).isTrue();
        }
        for (String f : List.of("warmup", "n", "median_ns", "p95_ns", "min_ns", "rss_before_bytes", "peak_rss_bytes",
                "rss_delta_bytes")) {
            assertThat(row.get("phases").get("train").has(f)).as("phases.train.%s", f).isTrue();
        }
        assertThat(row.get("process").has("wall_ns")).isTrue();
        assertThat(row.get("process").has("peak_rss_bytes")).isTrue();
    }

    @Test
    void badRowsEndAsErrorsAndTheRunIsStillReported() throws Exception {
        // CI scale whatever the run's scale: the 3 s timeout catches the hanging row, and java/pure must finish inside it.
        Settings settings = Settings.fromSystemProperties().withScale(Scale.CI).withWorkDir(dir.resolve("work")).withImpls("java/pure,shell/*");
        BenchmarkSession session = new BenchmarkSession(settings);
        session.launchers().register(new ScriptLauncher(Map.of(
                "shell/crash", "echo 'Segmentation fault (core dumped)' >&2; exit 139",
                "shell/hang", "sleep 120",
                "shell/garbage", "echo '[1, 2' > \"$2/result.json\"")));
        IrisWithBadRows task = new IrisWithBadRows();
        TaskMatrix matrix = new TaskMatrix(task, session);
        matrix.runAll();
        for (Implementation impl : matrix.selectedImplementations()) {
            session.record(RowJudge.judge(task, impl, matrix.run(impl).orElseThrow(), matrix.referenceFor(impl)));
        }
        Path file = session.writeResults(dir.resolve("results"));

        List<ResultRow> rows = ResultsFile.read(file).rows();
        assertThat(rows).extracting(ResultRow::impl).containsExactly("java/pure", "shell/crash", "shell/hang", "shell/garbage");
        assertThat(rows).extracting(ResultRow::status).containsExactly("passed", "error", "error", "error");
        assertThat(rows.get(1).reason()).contains("iris-mlp shell/crash: runner exited with code 139", "Segmentation fault");
        assertThat(rows.get(2).reason()).contains("iris-mlp shell/hang: runner timed out after 3 s and was killed");
        assertThat(rows.get(3).reason()).contains("iris-mlp shell/garbage: malformed result.json");
        assertThat(rows.get(0).phases()).containsKeys("load", "train", "infer_single", "infer_batch");
        assertThat(rows.subList(1, 4)).allSatisfy(r -> assertThat(r.phases()).as("no timings for unverified rows").isNull());
        assertThat(dir.resolve("results/latest.json")).exists();
        assertHasTheDocumentedShape(org.equibench.data.Json.MAPPER.readTree(file.toFile()));
        assertThat(dir.resolve("results/latest.md")).content().contains("shell/hang` **error**");
    }
}
