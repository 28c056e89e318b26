package org.equibench.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rerun.sh runs the row again as the harness did: the same command, folder and thread variables. */
class RerunScriptTest {
    @TempDir
    Path dir;

    @Test
    void theScriptRepeatsTheRowsCommandWithItsEnvironment() throws Exception {
        RunSpec spec = new RunSpec(1, "demo-task", "shell/x", "cpu", "f64", 3, 0, 0, 1, List.of(), Map.of(), Map.of(), List.of());
        String script = "echo \"$OMP_NUM_THREADS $(basename \"$1\") it's\" >> \"" + dir.resolve("calls.txt") + "\"; exit 1";
        RowExecutor.execute(new ScriptLauncher(Map.of("shell/x", script)), spec, dir.resolve("row"), Duration.ofSeconds(30));
        Process rerun = new ProcessBuilder("bash", dir.resolve("row/rerun.sh").toString()).inheritIO().start();
        assertThat(rerun.waitFor()).as("the row's own exit code").isEqualTo(1);
        assertThat(Files.readAllLines(dir.resolve("calls.txt"))).containsExactly("3 spec.json it's", "3 spec.json it's");
        assertThat(RerunScript.quote("it's")).isEqualTo("'it'\\''s'");
    }

    /** A variable the user set for the harness (here MAVEN_OPTS-like tuning) never reaches a runner, run by the harness or by rerun.sh. */
    @Test
    void theRunnerSeesOnlyThePassedOnThreadAndLauncherVariables() throws Exception {
        RunSpec spec = new RunSpec(1, "demo-task", "shell/x", "cpu", "f64", 2, 0, 0, 1, List.of(), Map.of(), Map.of(), List.of());
        Path seen = dir.resolve("env.txt");
        // env lists what the runner's process got; the shell adds PWD, SHLVL and _ itself.
        String script = "env | cut -d= -f1 | grep -v -x -e PWD -e SHLVL -e _ -e OLDPWD | sort > \"" + seen + "\"";
        RowExecutor.execute(List.of("sh", "-c", script), Map.of("ORT_DYLIB_PATH", "/opt/lib.so"), dir, spec, dir.resolve("row"),
                Duration.ofSeconds(30));
        List<String> allowed = new java.util.ArrayList<>(RunnerEnvironment.PASSED_ON);
        allowed.addAll(org.equibench.protocol.ThreadEnvironment.forThreads(2).keySet());
        allowed.add("ORT_DYLIB_PATH");
        List<String> fromHarness = Files.readAllLines(seen);
        assertThat(fromHarness).contains("OMP_NUM_THREADS", "ORT_DYLIB_PATH", "PATH").isSubsetOf(allowed);

        ProcessBuilder byHand = new ProcessBuilder("bash", dir.resolve("row/rerun.sh").toString()).inheritIO();
        byHand.environment().put("EQUIBENCH_SOMETHING_ELSE", "set by the user");
        assertThat(byHand.start().waitFor()).isZero();
        assertThat(Files.readAllLines(seen)).contains("OMP_NUM_THREADS", "ORT_DYLIB_PATH", "PATH").isSubsetOf(allowed);
    }
}
