package org.equibench.runner;

import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.protocol.InputFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.bench.Settings;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.TaskMatrix;
import org.equibench.data.InputFiles;
import org.equibench.task.IrisMlpTask;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each language's real runner, given bad input, fails with a message naming the row, the file and the problem. */
class RunnerBadInputTest {
    @TempDir
    Path dir;

    private Launcher launcher;
    private RunSpec spec;

    private void setUp(String impl) throws IOException {
        Settings settings = Settings.fromSystemProperties().withWorkDir(dir.resolve("work"));
        BenchmarkSession session = new BenchmarkSession(settings);
        IrisMlpTask task = new IrisMlpTask();
        launcher = session.launchers().forLanguage(task.implementation(impl).language());
        launcher.unavailableReason().ifPresent(why -> {
            if (settings.requireAll()) {
                fail(impl + " runner unavailable and equibench.require=all: " + why);
            }
            Assumptions.abort(impl + " runner unavailable: " + why);
        });
        spec = new TaskMatrix(task, session).baseSpec().forImplementation(impl);
    }

    private RunSpec withData(InputFile data) {
        Map<String, InputFile> inputs = new LinkedHashMap<>(spec.inputs());
        inputs.put("data", data);
        return new RunSpec(spec.protocol(), spec.task(), spec.impl(), spec.device(), spec.dtype(), spec.threads(), 0, 0, 1,
                spec.phases(), inputs, spec.params(), spec.outputs());
    }

    private RowRun run(RunSpec s) {
        return RowExecutor.execute(launcher, s, dir.resolve("row"), Duration.ofMinutes(2));
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "python/numpy", "rust/pure"})
    void missingCsv(String impl) throws IOException {
        setUp(impl);
        RowRun r = run(withData(new InputFile(dir.resolve("nowhere/iris.csv").toString(), "0".repeat(64), "csv")));
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).startsWith("iris-mlp " + impl + ": runner exited with code 1").contains("iris.csv")
                .containsAnyOf("not found", "No such file");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "python/numpy", "rust/pure"})
    void corruptCsvNamesTheLine(String impl) throws IOException {
        setUp(impl);
        List<String> lines = Files.readAllLines(Path.of(spec.input("data")));
        lines.set(16, "5.1,3.5,abc,0.2,0");
        Path bad = dir.resolve("iris.csv");
        Files.write(bad, lines);
        RowRun r = run(withData(InputFiles.describe(bad, "csv")));
        assertThat(r.error()).startsWith("iris-mlp " + impl + ": runner exited with code 1").contains("iris.csv line 17")
                .contains("'abc'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "python/numpy", "rust/pure"})
    void malformedSpec(String impl) throws IOException {
        setUp(impl);
        Path badSpec = dir.resolve("bad-spec.json");
        Files.writeString(badSpec, "{\"protocol\": 1, \"task\": \"iris-mlp\", ");
        Path rowDir = dir.resolve("row");
        RowRun r = RowExecutor.execute(launcher.command(spec, badSpec, rowDir.resolve("out")), launcher.workingDirectory(),
                spec, rowDir, Duration.ofMinutes(2));
        assertThat(r.error()).startsWith("iris-mlp " + impl + ": runner exited with code 1").containsIgnoringCase("spec");
    }

    /** A spec whose params disagree with an input's shape: every runner core names the file in the same words. */
    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "java/djl", "python/numpy", "python/sklearn", "rust/pure"})
    void shapeThatDisagreesWithTheParams(String impl) throws IOException {
        setUp(impl);
        Map<String, Object> params = new LinkedHashMap<>(spec.params());
        params.put("hidden", 12);
        RowRun r = run(new RunSpec(spec.protocol(), spec.task(), spec.impl(), spec.device(), spec.dtype(), spec.threads(), 0, 0, 1,
                spec.phases(), spec.inputs(), params, spec.outputs()));
        String message = "W1.npy: expected <f8 of shape (4, 12), found <f8 of shape (4, 8)";
        assertThat(r.ok()).isFalse();
        assertThat(r.error()).startsWith("iris-mlp " + impl + ": runner exited with code 1").contains(message);
        RunResult reported = org.equibench.data.Json.read(dir.resolve("row/out/result.json"), RunResult.class);
        assertThat(reported.error()).isEqualTo(message);
    }

    private RunSpec renamed(String task, String impl) {
        return new RunSpec(spec.protocol(), task, impl, spec.device(), spec.dtype(), spec.threads(), 0, 0, 1, spec.phases(),
                spec.inputs(), spec.params(), spec.outputs());
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "python/numpy", "rust/pure"})
    void specForATaskOrRowTheRunnerLacks(String impl) throws IOException {
        setUp(impl);
        assertRunnerSays(run(renamed("no-such-task", impl)), "no-such-task " + impl, "no-such-task");
        String otherRow = impl.substring(0, impl.indexOf('/')) + "/no-such-row";
        assertRunnerSays(run(renamed("iris-mlp", otherRow)), "iris-mlp " + otherRow, "no implementation", "no-such-row");
    }

    /** The row failed with exit code 1, and the runner's own message (after the harness's prefix) says these words. */
    private static void assertRunnerSays(RowRun r, String row, String... words) {
        String prefix = row + ": runner exited with code 1";
        assertThat(r.error()).startsWith(prefix);
        assertThat(r.error().substring(prefix.length())).as("the runner's message").contains(words);
    }

    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "python/numpy", "rust/pure"})
    void specFieldOfTheWrongType(String impl) throws IOException {
        setUp(impl);
        Path badSpec = dir.resolve("typed-spec.json");
        String json = org.equibench.data.Json.write(spec);
        assertThat(json).contains("\"threads\" : 1");
        Files.writeString(badSpec, json.replace("\"threads\" : 1", "\"threads\" : \"two\""));
        Path rowDir = dir.resolve("row");
        RowRun r = RowExecutor.execute(launcher.command(spec, badSpec, rowDir.resolve("out")), launcher.workingDirectory(),
                spec, rowDir, Duration.ofMinutes(2));
        assertThat(r.error()).startsWith("iris-mlp " + impl + ": runner exited with code 1").containsIgnoringCase("spec")
                .contains("two");
    }

    /** A spec without a field the protocol requires: every runner names the field, none fails on a null deep inside. */
    @ParameterizedTest
    @ValueSource(strings = {"java/pure", "python/numpy", "rust/pure"})
    void specMissingARequiredField(String impl) throws IOException {
        setUp(impl);
        Map<String, Object> json = org.equibench.data.Json.MAPPER.readValue(org.equibench.data.Json.write(spec),
                new com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>>() { });
        json.remove("outputs");
        Path badSpec = dir.resolve("partial-spec.json");
        Files.writeString(badSpec, org.equibench.data.Json.write(json));
        Path rowDir = dir.resolve("row");
        RowRun r = RowExecutor.execute(launcher.command(spec, badSpec, rowDir.resolve("out")), launcher.workingDirectory(),
                spec, rowDir, Duration.ofMinutes(2));
        assertThat(r.error()).startsWith("iris-mlp " + impl + ": runner exited with code 1").contains("outputs")
                .containsIgnoringCase("missing").doesNotContain("NullPointerException");
    }
}
