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
}
