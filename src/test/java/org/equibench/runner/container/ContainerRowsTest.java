package org.equibench.runner.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.IrisWithExtraRows;
import org.equibench.bench.RowJudge;
import org.equibench.bench.Settings;
import org.equibench.bench.TaskMatrix;
import org.equibench.protocol.RunSpec;
import org.equibench.report.ResultRow;
import org.equibench.runner.Launcher;
import org.equibench.runner.RowExecutor;
import org.equibench.runner.RowRun;
import org.equibench.runner.ScriptLauncher;
import org.equibench.task.Implementation;
import org.equibench.task.Scale;
import org.equibench.task.Task;
import org.equibench.task.Tasks;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Rows in containers (-Dequibench.runtime=container) against a real Docker engine: skipped with the reason where none
 * answers, failed instead under -Dequibench.require=all (CI starts dockerd, .ci/run).
 */
class ContainerRowsTest {
    @TempDir
    static Path dir;

    @BeforeAll
    static void engineAndBaseImage() throws IOException {
        Optional<String> why = DockerEngine.unavailableReason();
        if (why.isPresent()) {
            if ("all".equalsIgnoreCase(System.getProperty("equibench.require", ""))) {
                throw new AssertionError("-Dequibench.require=all, and the container tests cannot run: " + why.get());
            }
            Assumptions.abort(why.get());
        }
        BaseImage.ensure(ContainerOptions.defaults(1), dir.resolve("base-image.log"));
    }

    static Stream<Task> tasks() {
        return Tasks.all().stream();
    }

    /**
     * The same spec run as a local process and in the language's container gives byte-identical output files: the
     * container runs the very binaries the local row runs (mounted from the host). One row per language per task (the
     * first one this machine can run), each phase once (no warm-up, one repetition: the outputs do not depend on
     * either), to keep CI's time small.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("tasks")
    void containerRowsGiveTheLocalRowsOutputsBitForBit(Task task) throws IOException {
        Settings settings = Settings.fromSystemProperties().withScale(Scale.CI).withWorkDir(dir.resolve("work-" + task.id()))
                .withTasks("*").withImpls("*");
        BenchmarkSession session = new BenchmarkSession(settings);
        ContainerRuntime containers = new ContainerRuntime(settings.root(), ContainerOptions.defaults(1));
        TaskMatrix matrix = session.matrix(task);
        Map<String, Implementation> onePerLanguage = new LinkedHashMap<>();
        for (Implementation impl : task.implementations()) {
            Launcher launcher = session.launchers().forLanguage(impl.language());
            if (!onePerLanguage.containsKey(impl.language()) && launcher.unavailableReason(impl.id()).isEmpty()) {
                onePerLanguage.put(impl.language(), impl);
            }
        }
        assertThat(onePerLanguage).as("rows of %s this machine can run", task.id()).isNotEmpty();
        List<String> compared = new ArrayList<>();
        for (Implementation impl : onePerLanguage.values()) {
            Launcher launcher = session.launchers().forLanguage(impl.language());
            RunSpec spec = once(matrix.specFor(impl));
            Path rows = dir.resolve("rows-" + task.id()).resolve(impl.id().replace('/', '_'));
            RowRun local = RowExecutor.execute(launcher, spec, rows.resolve("local"), matrix.timeout());
            RowRun contained = containers.execute(launcher, spec, rows.resolve("container"), matrix.timeout());
            assertThat(local.error()).as("local %s", impl.id()).isNull();
            assertThat(contained.error()).as("container %s", impl.id()).isNull();
            assertThat(contained.result().outputs()).as(impl.id()).isEqualTo(local.result().outputs());
            // every computed output; the per-step times some tasks write (…_ns) are measurements, never equal twice
            for (String name : local.result().outputs().keySet().stream().filter(n -> !n.endsWith("_ns")).toList()) {
                assertThat(Files.readAllBytes(contained.output(name))).as("%s %s: container output = local output", impl.id(), name)
                        .isEqualTo(Files.readAllBytes(local.output(name)));
            }
            assertThat(contained.container()).isNotNull();
            assertThat(contained.container().startupNs()).as("start-up, reported apart").isPositive();
            assertThat(contained.container().cgroupPeakBytes()).as("the cgroup's memory peak").isPositive();
            assertThat(contained.container().limits()).contains("--memory=8g", "--cpus=1", "--cpuset-cpus=0");
            compared.add(impl.id() + " (container start-up " + contained.container().startupNs() / 1_000_000 + " ms, cgroup peak "
                    + (contained.container().cgroupPeakBytes() >> 20) + " MiB, in-process peak RSS " + (contained.peakRssBytes() >> 20)
                    + " MiB; local peak RSS " + (local.peakRssBytes() >> 20) + " MiB)");
        }
        System.out.println("[equibench] " + task.id() + ": container outputs = local outputs for " + compared);
    }

    @Test
    void aRowOverItsMemoryLimitIsAnErrorThatSaysSoAndTheOtherRowsGoOn() throws Exception {
        Settings settings = Settings.fromSystemProperties().withScale(Scale.CI).withWorkDir(dir.resolve("oom-work"))
                .withTasks("*").withImpls("java/pure,python/hog");
        BenchmarkSession session = new BenchmarkSession(settings, ContainerOptions.defaults(1).withMemory("256m"));
        // Debian's python3.11 of the base image fills 1 GiB: the kernel kills it at the container's 256 MiB.
        session.launchers().register(new ScriptLauncher("python", Map.of("python/hog",
                "python3.11 -c \"b = b'x' * (1 << 30); print(len(b))\"")));
        IrisWithExtraRows task = new IrisWithExtraRows(List.of(Implementation.of("python/hog", "script filling 1 GiB", "f64")),
                Duration.ofSeconds(120));
        TaskMatrix matrix = new TaskMatrix(task, session);
        matrix.runAll();
        List<ResultRow> rows = new ArrayList<>();
        for (Implementation impl : matrix.selectedImplementations()) {
            rows.add(RowJudge.judge(task, impl, matrix.run(impl).orElseThrow(), matrix.referenceFor(impl)));
        }
        assertThat(rows).extracting(ResultRow::impl).containsExactly("java/pure", "python/hog");
        assertThat(rows.get(1).status()).isEqualTo("error");
        assertThat(rows.get(1).reason()).contains("iris-mlp python/hog: killed: out of memory, limit 256m");
        assertThat(rows.get(0).status()).as(rows.get(0).reason()).isEqualTo("passed");
        assertThat(rows.get(0).process().cgroupPeakBytes()).isPositive().isLessThan(256L << 20);
        assertThat(rows.get(0).process().containerStartupNs()).isPositive();
    }

    @Test
    void anImageThatFailsToBuildNamesItsDockerfileAndTheFailingStep() throws IOException {
        Path root = Settings.fromSystemProperties().root();
        Path dockerfile = dir.resolve("broken/Dockerfile");
        Files.createDirectories(dockerfile.getParent());
        Files.writeString(dockerfile, """
                ARG BASE_IMAGE=equibench/base:bookworm
                FROM ${BASE_IMAGE}
                # a step that fails
                RUN echo building && exit 3
                COPY equibench-entrypoint /usr/local/bin/equibench-entrypoint
                """);
        assertThatThrownBy(() -> LanguageImages.build("broken-test", dockerfile, root.resolve(LanguageImages.ENTRYPOINT),
                ContainerOptions.LOCAL_BASE))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dockerfile.toString())
                .hasMessageContaining("step 3 (RUN echo building && exit 3) failed")
                .hasMessageContaining("returned a non-zero code: 3");
    }

    /** Each phase once, no warm-up: enough for outputs, which do not depend on the repetitions. */
    private static RunSpec once(RunSpec s) {
        return new RunSpec(s.protocol(), s.task(), s.impl(), s.device(), s.dtype(), s.threads(), 0, 0, 1, s.phases(), s.inputs(), s.params(),
                s.outputs(), s.verify());
    }
}
