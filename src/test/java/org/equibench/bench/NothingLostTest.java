package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.equibench.report.ResultsFile;
import org.equibench.report.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stopped run keeps its finished rows, results files are never overwritten, and one checkout runs one run at a time. */
class NothingLostTest {
    @TempDir
    Path dir;

    private Process run(Path root) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Dequibench.root=" + root, "-cp", System.getProperty("java.class.path"),
                InterruptedRunMain.class.getName()).redirectErrorStream(true).start();
    }

    private static void awaitReady(Process p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.equals("ready")) {
                return;
            }
        }
        throw new AssertionError("the run ended before it was ready (exit " + p.waitFor() + ")");
    }

    @Test
    void aStoppedRunWritesItsFinishedRowsMarkedInterruptedAndASecondRunInTheSameCheckoutIsRefused() throws Exception {
        Process first = run(dir);
        try {
            awaitReady(first);
            Process second = run(dir);
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String said = new String(second.getInputStream().readAllBytes());
            assertThat(second.exitValue()).isNotZero();
            assertThat(said).contains("another equibench run is using " + dir.resolve("target/equibench"),
                    "pid " + first.pid(), "wait for it to end, or run from another checkout");
        } finally {
            first.destroy(); // SIGTERM, as a kill or the end of a CI job sends
            first.waitFor(60, TimeUnit.SECONDS);
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir.resolve("results"))) {
            files = s.filter(p -> p.getFileName().toString().matches("\\d{8}T\\d{6}Z-.*\\.json")).toList();
        }
        assertThat(files).hasSize(1);
        ResultsFile results = ResultsFile.read(files.get(0));
        assertThat(results.run().interrupted()).contains("stopped");
        assertThat(results.rows()).singleElement().satisfies(r -> assertThat(r.impl()).isEqualTo("rust/pure"));
        assertThat(dir.resolve("results/latest.md")).content().contains("**Interrupted:** the run was stopped");
        assertThat(org.equibench.report.RunVerdict.file(dir.resolve("target/equibench"))).as("an interrupted run has no verdict").doesNotExist();
    }

    @Test
    void aResultsFileIsNeverOverwrittenByARunWithTheSameStamp() throws Exception {
        RunInfo run = new RunInfo("2026-01-01T00:00:00Z", "abcdef1234", "ci", Map.of());
        Path first = ResultsFile.of(run, List.of()).write(dir);
        String before = Files.readString(first);
        Path second = ResultsFile.of(run.interruptedBy("test"), List.of()).write(dir);
        assertThat(second).isNotEqualTo(first).hasFileName("20260101T000000Z-abcdef1-1.json");
        assertThat(first).hasContent(before);
        assertThat(ResultsFile.read(dir.resolve("latest.json")).run().interrupted()).isEqualTo("test");
    }

    @Test
    void theLockIsHeldUntilReleased() throws Exception {
        try (RunLock held = RunLock.acquire(dir)) {
            assertThatThrownBy(() -> RunLock.acquire(dir)).hasMessageContaining("another equibench run is using " + dir)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid());
        }
        RunLock.acquire(dir).close();
    }
}
