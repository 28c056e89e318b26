package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.report.ResultRow;
import org.equibench.task.IrisMlpTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junitpioneer.jupiter.SetEnvironmentVariable;

/**
 * A machine without Python or Rust: their rows are skipped, each with the reason, and the Java rows still run and
 * pass. (Under -Dequibench.require=all the conformance tests turn such a skip into a failure: TaskBench.)
 */
class MissingToolchainTest {
    @TempDir
    static Path empty;
    @TempDir
    Path dir;

    @Test
    @SetEnvironmentVariable(key = "PATH", value = "/nonexistent-equibench-bin")
    @SetEnvironmentVariable(key = "EQUIBENCH_CACHE", value = "/nonexistent-equibench-cache")
    void rowsOfAMissingToolchainAreSkippedWithTheReasonAndTheOthersRun() throws Exception {
        String home = System.getProperty("user.home");
        System.setProperty("user.home", Files.createDirectories(dir.resolve("home")).toString()); // no ~/.cargo/bin either
        try {
            Settings settings = Settings.fromSystemProperties().withWorkDir(dir.resolve("work"))
                    .withImpls("python/numpy,rust/pure,java/pure");
            BenchmarkSession session = new BenchmarkSession(settings);
            IrisMlpTask iris = new IrisMlpTask();
            TaskMatrix matrix = new TaskMatrix(iris, session);
            matrix.runAll();
            ResultRow python = matrix.judge(iris.implementation("python/numpy"));
            ResultRow rust = matrix.judge(iris.implementation("rust/pure"));
            ResultRow java = matrix.judge(iris.implementation("java/pure"));
            assertThat(python.status()).isEqualTo(ResultRow.SKIPPED);
            assertThat(python.reason()).contains("python3 not found on PATH");
            assertThat(rust.status()).isEqualTo(ResultRow.SKIPPED);
            assertThat(rust.reason()).containsIgnoringCase("cargo");
            assertThat(java.status()).as("the Java row against the committed golden: %s", java.reason()).isEqualTo(ResultRow.PASSED);
        } finally {
            System.setProperty("user.home", home);
        }
    }
}
