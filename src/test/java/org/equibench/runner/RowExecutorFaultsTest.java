package org.equibench.runner;

import org.equibench.protocol.RunSpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whatever a runner does wrong ends as an error naming the row and the cause, with its stderr. */
class RowExecutorFaultsTest {
    @TempDir
    Path dir;

    private RowRun run(String script, Duration timeout) {
        RunSpec spec = new RunSpec(1, "demo-task", "shell/x", "cpu", "f64", 1, 0, 0, 1, List.of("train"), Map.of(), Map.of(), List.of("w"));
        Launcher launcher = new ScriptLauncher(Map.of("shell/x", script));
        return RowExecutor.execute(launcher, spec, dir.resolve("row"), timeout);
    }

    @Test
    void crashKeepsExitCodeAndStderrTail() {
        RowRun r = run("echo 'fatal: weights exploded' >&2; exit 3", Duration.ofSeconds(30));
        assertThat(r.ok()).isFalse();
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.error()).startsWith("demo-task shell/x: runner exited with code 3").contains("fatal: weights exploded");
    }

    @Test
    void aRunnerKilledByASignalIsNamedWithTheSignal() {
        assertThat(run("kill -SEGV $$", Duration.ofSeconds(30)).error())
                .startsWith("demo-task shell/x: runner exited with code 139 = 128 + signal 11 (SIGSEGV: a segmentation fault, "
                        + "in native code)");
        assertThat(run("kill -KILL $$", Duration.ofSeconds(30)).error())
                .startsWith("demo-task shell/x: runner exited with code 137 = 128 + signal 9 (SIGKILL: killed from outside, e.g. "
                        + "by the kernel's out-of-memory killer)");
    }

    @Test
    void aPartialResultJsonIsMalformed() {
        assertThat(run("echo '{\"protocol\":1,\"task\":\"demo-task\",\"impl\":\"shell/x\",\"status\":\"o' > \"$2/result.json\"",
                Duration.ofSeconds(30)).error()).startsWith("demo-task shell/x: malformed result.json");
    }

    @Test
    void hangIsKilledAtTheTimeout() {
        long t0 = System.nanoTime();
        RowRun r = run("sleep 60", Duration.ofSeconds(1));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
        assertThat(r.error()).startsWith("demo-task shell/x: runner timed out after 1 s and was killed");
        // SIGKILL is asynchronous: give the kernel a moment to remove the killed processes
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (leftBehind() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(leftBehind()).as("a runner process left behind").isFalse();
    }

    private static boolean leftBehind() {
        return ProcessHandle.current().descendants().anyMatch(p -> p.isAlive() && p.info().commandLine().orElse("").contains("sleep 60"));
    }

    @Test
    void malformedOrMissingResultJson() {
        assertThat(run("printf '{not json' > \"$2/result.json\"", Duration.ofSeconds(30)).error())
                .startsWith("demo-task shell/x: malformed result.json");
        assertThat(run("true", Duration.ofSeconds(30)).error()).isEqualTo("demo-task shell/x: no result.json written");
        assertThat(run("echo '{\"protocol\":1,\"task\":\"demo-task\",\"impl\":\"shell/x\",\"status\":\"error\",\"error\":\"disk full\"}'"
                + " > \"$2/result.json\"", Duration.ofSeconds(30)).error())
                .isEqualTo("demo-task shell/x: runner reported status 'error': disk full");
        assertThat(run("echo '{\"protocol\":1,\"task\":\"other\",\"impl\":\"shell/x\",\"status\":\"ok\"}' > \"$2/result.json\"",
                Duration.ofSeconds(30)).error()).isEqualTo("demo-task shell/x: result.json is for other shell/x");
    }

    @Test
    void missingRunnerBinary() {
        RunSpec spec = new RunSpec(1, "demo-task", "shell/x", "cpu", "f64", 1, 0, 0, 1, List.of(), Map.of(), Map.of(), List.of());
        RowRun r = RowExecutor.execute(List.of(dir.resolve("no-such-runner").toString()), dir, spec, dir.resolve("row"), Duration.ofSeconds(5));
        assertThat(r.error()).startsWith("demo-task shell/x: cannot start runner");
    }

    @Test
    void parentSamplesTheChildsMemory() {
        RowRun r = run("python3 -c 'x = bytearray(60_000_000); import time; time.sleep(0.3)'; "
                + okResult(TRAIN_PHASE, "{}"), Duration.ofSeconds(30));
        assertThat(r.ok()).isTrue();
        assertThat(r.timeline()).isNotEmpty();
        assertThat(r.peakRssBytes()).as("the child's 60 MB buffer, seen through the shell").isGreaterThan(60_000_000L);
        assertThat(r.wallNs()).isGreaterThan(300_000_000L);
    }

    private static final String TRAIN_PHASE = "{\"train\":{\"warmup\":0,\"ops_per_sample\":1,\"samples_ns\":[5]}}";

    /** A script that writes an ok result.json with these phases and outputs (JSON objects). */
    private static String okResult(String phases, String outputs) {
        return "cat > \"$2/result.json\" <<'EOF'\n{\"protocol\":1,\"task\":\"demo-task\",\"impl\":\"shell/x\",\"status\":\"ok\","
                + "\"phases\":" + phases + ",\"outputs\":" + outputs + "}\nEOF\n";
    }

    @Test
    void anOkResultWithoutTheMeasuredPhasesIsAnError() {
        assertThat(run(okResult("{}", "{}"), Duration.ofSeconds(30)).error())
                .isEqualTo("demo-task shell/x: result.json has no measurements of phase 'train'");
        assertThat(run(okResult("{\"train\":{\"warmup\":0,\"ops_per_sample\":1,\"samples_ns\":[]}}", "{}"), Duration.ofSeconds(30))
                .error()).isEqualTo("demo-task shell/x: result.json: phase 'train' has no timed samples");
        assertThat(run(okResult("{\"train\":{\"warmup\":0,\"ops_per_sample\":1,\"samples_ns\":[5,-3]}}", "{}"), Duration.ofSeconds(30))
                .error()).isEqualTo("demo-task shell/x: result.json: phase 'train' has a sample that is not a duration: [5, -3]");
    }

    @Test
    void anOutputNamedOutsideTheOutputFolderIsNeverRead() throws Exception {
        Path out = dir.resolve("row/out");
        assertThat(run(okResult(TRAIN_PHASE, "{\"w\":\"../../secret.npy\"}"), Duration.ofSeconds(30)).error())
                .isEqualTo("demo-task shell/x: result.json: output 'w' names '../../secret.npy', which is outside the row's output folder " + out);
        assertThat(run(okResult(TRAIN_PHASE, "{\"w\":\"/etc/hostname\"}"), Duration.ofSeconds(30)).error())
                .isEqualTo("demo-task shell/x: result.json: output 'w' names '/etc/hostname', which is outside the row's output folder " + out);
        java.nio.file.Files.writeString(dir.resolve("secret.npy"), "not yours");
        RowRun linked = run("ln -s \"" + dir.resolve("secret.npy") + "\" \"$2/w.npy\"; " + okResult(TRAIN_PHASE, "{\"w\":\"w.npy\"}"),
                Duration.ofSeconds(30));
        assertThat(linked.error()).isEqualTo("demo-task shell/x: result.json: output 'w' names 'w.npy', a link to "
                + dir.resolve("secret.npy").toRealPath() + ", outside the row's output folder " + out);
        RowRun inside = run("printf x > \"$2/w.npy\"; " + okResult(TRAIN_PHASE, "{\"w\":\"w.npy\"}"), Duration.ofSeconds(30));
        assertThat(inside.ok()).isTrue();
        assertThat(inside.output("w")).isEqualTo(out.resolve("w.npy"));
    }
}
