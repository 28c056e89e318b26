package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.RowExecutor;
import org.equibench.runner.RowRun;
import org.equibench.runner.ScriptLauncher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that fills up while a run writes: a real full file system (a 256 KiB tmpfs, mounted as root or through
 * password-less sudo), not a simulated exception.
 */
class DiskFullTest {
    @TempDir
    Path dir;
    private Path small;

    @BeforeEach
    void mountASmallFileSystem() throws Exception {
        small = Files.createDirectories(dir.resolve("small"));
        List<String> mount = new ArrayList<>(asRoot());
        mount.addAll(List.of("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", small.toString()));
        Process p = new ProcessBuilder(mount).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            String why = "cannot mount a small tmpfs (needs root or password-less sudo): " + said.strip();
            if ("all".equalsIgnoreCase(System.getProperty("equibench.require", ""))) {
                fail(why + " (equibench.require=all)");
            }
            Assumptions.abort(why);
        }
    }

    @AfterEach
    void unmount() throws Exception {
        List<String> umount = new ArrayList<>(asRoot());
        umount.addAll(List.of("umount", small.toString()));
        new ProcessBuilder(umount).redirectErrorStream(true).start().waitFor();
    }

    private static List<String> asRoot() {
        return "root".equals(System.getProperty("user.name")) ? List.of() : List.of("sudo", "-n");
    }

    /** Fills the file system but for {@code leave} bytes. */
    private void fill(long leave) throws IOException {
        long free = Files.getFileStore(small).getUsableSpace();
        Files.write(small.resolve("filler"), new byte[(int) Math.max(0, free - leave)]);
    }

    @Test
    void resultsThatNoLongerFitFailNamingTheDiskAndLeaveTheEarlierFileAndNoPartOne() throws Exception {
        Path results = Files.createDirectories(small.resolve("results"));
        RunInfo first = new RunInfo("2026-01-01T00:00:00Z", "abcdef1234", "ci", Map.of());
        Path earlier = ResultsFile.of(first, List.of()).write(results);
        String before = Files.readString(earlier);
        fill(0);
        RunInfo second = new RunInfo("2026-01-02T00:00:00Z", "abcdef1234", "ci", Map.of("note", "x".repeat(20_000)));
        assertThatThrownBy(() -> ResultsFile.of(second, List.of()).write(results)).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThat(earlier).hasContent(before);
        try (Stream<Path> left = Files.list(results)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .as("no reserved empty file and no temporary file left behind").containsOnly(earlier.getFileName().toString(),
                            "latest.json");
        }
    }

    @Test
    void aRowWhoseOutputsNoLongerFitIsAnErrorSayingSo() throws Exception {
        fill(16 * 1024);
        RunSpec spec = new RunSpec(1, "demo-task", "shell/x", "cpu", "f64", 1, 0, 0, 1, List.of(), Map.of(), Map.of(), List.of("w"));
        // a runner writing a 1 MB output, as a runner core does after its phases
        ScriptLauncher launcher = new ScriptLauncher(Map.of("shell/x", "head -c 1000000 /dev/zero > \"$2/w.npy\" || exit 1"));
        RowRun run = RowExecutor.execute(launcher, spec, small.resolve("row"), Duration.ofSeconds(30));
        assertThat(run.ok()).isFalse();
        assertThat(run.error()).startsWith("demo-task shell/x: ").contains("No space left on device");
    }
}
