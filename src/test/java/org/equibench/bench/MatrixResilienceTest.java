package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.Settings;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.equibench.runner.ScriptLauncher;
import org.equibench.task.Implementation;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.OutputCheck;
import org.equibench.task.PreparedInputs;
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
        public Duration timeout(Settings.Scale scale) {
            return Duration.ofSeconds(3);
        }

        // everything else is iris-mlp's
        @Override public String id() { return iris.id(); }
        @Override public String family() { return iris.family(); }
        @Override public String title() { return iris.title(); }
        @Override public String dataset() { return iris.dataset(); }
        @Override public String referenceImpl() { return iris.referenceImpl(); }
        @Override public String baselineImpl() { return iris.baselineImpl(); }
        @Override public String dtype() { return iris.dtype(); }
        @Override public List<String> phases() { return iris.phases(); }
        @Override public List<String> outputs() { return iris.outputs(); }
        @Override public List<OutputCheck> checks(Implementation impl) { return iris.checks(impl); }
        @Override public List<ReportColumn> reportColumns() { return iris.reportColumns(); }

        @Override
        public PreparedInputs prepare(Path root, Path dir, Settings.Scale scale) throws java.io.IOException {
            return iris.prepare(root, dir, scale);
        }
    }

    @Test
    void badRowsEndAsErrorsAndTheRunIsStillReported() throws Exception {
        Settings settings = Settings.fromSystemProperties().withWorkDir(dir.resolve("work")).withImpls("java/pure,shell/*");
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
        assertThat(dir.resolve("results/latest.md")).content().contains("shell/hang` **error**");
    }
}
