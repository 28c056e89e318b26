package org.equibench.runner.provision;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Small process helpers for provisioning: find a tool, run a command to completion with its output logged. */
public final class Commands {
    private Commands() {
    }

    /** The tool on PATH, or in one of the usual per-user install locations (rustup's ~/.cargo/bin). */
    public static Optional<Path> find(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + File.pathSeparator + System.getProperty("user.home") + "/.cargo/bin").split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Result of a finished command: exit code and the tail of its combined output. */
    public record Outcome(int exitCode, String outputTail) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    public static Outcome run(List<String> command, Path workDir, Path log, long timeoutMinutes) throws IOException {
        return run(command, java.util.Map.of(), workDir, log, timeoutMinutes);
    }

    /** Runs with {@code environment} added to this process's environment. */
    public static Outcome run(List<String> command, java.util.Map<String, String> environment, Path workDir, Path log,
                              long timeoutMinutes) throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new Outcome(-1, "timed out after " + timeoutMinutes + " min: " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            return new Outcome(-1, "interrupted");
        }
        return new Outcome(p.exitValue(), tail(log, 1500));
    }

    public static String tail(Path file, int chars) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8);
            return s.length() <= chars ? s : "…" + s.substring(s.length() - chars);
        } catch (IOException e) {
            return "";
        }
    }
}
