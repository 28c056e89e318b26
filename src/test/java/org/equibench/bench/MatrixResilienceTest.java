package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.equibench.runner.ScriptLauncher;
import org.equibench.task.Implementation;
import org.equibench.task.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crashing, a hanging and a garbage-writing row do not stop the good row, and the results file is written. */
class MatrixResilienceTest {
    @TempDir
    Path dir;

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
        IrisWithExtraRows task = new IrisWithExtraRows(List.of(
                Implementation.of("shell/crash", "script that crashes", "f64"),
                Implementation.of("shell/hang", "script that never ends", "f64"),
                Implementation.of("shell/garbage", "script writing a broken result.json", "f64")), Duration.ofSeconds(3));
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
