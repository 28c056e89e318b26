package org.equibench.runner;

import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.protocol.ThreadEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.equibench.data.Json;
import org.equibench.measure.ProcessHost;
import org.equibench.measure.ProcessSampler;
import org.equibench.runner.provision.Commands;

/**
 * Starts one runner process and turns whatever happens — success, crash, hang, garbage output — into a
 * {@link RowRun}. Nothing a runner does can throw out of here, so one bad row never stops the others.
 */
public final class RowExecutor {
    public static final int STDERR_TAIL_CHARS = 2000;
    public static final long SAMPLE_INTERVAL_MS = 10;

    private RowExecutor() {
    }

    public static RowRun execute(Launcher launcher, RunSpec spec, Path rowDir, Duration timeout) {
        return execute(launcher.command(spec, rowDir.resolve("spec.json"), rowDir.resolve("out")), launcher.environment(),
                launcher.workingDirectory(), spec, rowDir, timeout);
    }

    /** Runs an explicit command line; used by launchers and by tests that need a misbehaving runner. */
    public static RowRun execute(List<String> command, Path workDir, RunSpec spec, Path rowDir, Duration timeout) {
        return execute(command, Map.of(), workDir, spec, rowDir, timeout);
    }

    /**
     * Runs a command line with the thread variables and the launcher's own variables (native library paths) set;
     * both are recorded with the run.
     */
    public static RowRun execute(List<String> command, Map<String, String> launcherEnvironment, Path workDir, RunSpec spec,
                                 Path rowDir, Duration timeout) {
        String row = spec.task() + " " + spec.impl();
        Path out = rowDir.resolve("out");
        Path stderr = rowDir.resolve("stderr.txt");
        Optional<RowRun> unprepared = prepare(spec, rowDir);
        if (unprepared.isPresent()) {
            return unprepared.get();
        }
        ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectOutput(rowDir.resolve("stdout.txt").toFile())
                .redirectError(stderr.toFile());
        Map<String, String> environment = new java.util.TreeMap<>(ThreadEnvironment.forThreads(spec.threads()));
        environment.putAll(launcherEnvironment);
        try {
            RerunScript.write(rowDir.resolve("rerun.sh"), row, workDir, environment, command);
        } catch (IOException e) {
            return failed(spec, out, row + ": cannot write " + rowDir.resolve("rerun.sh") + ": " + e.getMessage(), -1, 0, -1, "",
                    List.of(), 0);
        }
        pb.environment().clear();
        pb.environment().putAll(RunnerEnvironment.of(System.getenv(), environment));
        java.time.Instant spawn = java.time.Instant.now();
        long spawnEpochNs = spawn.getEpochSecond() * 1_000_000_000L + spawn.getNano();
        long t0 = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return failed(spec, out, row + ": cannot start runner " + command.get(0) + ": " + e.getMessage(), -1, 0, -1, "", List.of(),
                    spawnEpochNs);
        }
        boolean finished;
        try (ProcessSampler sampler = ProcessSampler.start(process.pid(), SAMPLE_INTERVAL_MS)) {
            try {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            long wall = System.nanoTime() - t0;
            if (!finished) {
                killTree(process);
            }
            sampler.close();
            String tail = Commands.tail(stderr, STDERR_TAIL_CHARS);
            if (!finished) {
                return failed(spec, out, row + ": runner timed out after " + timeout.toSeconds() + " s and was killed"
                        + stderrSuffix(tail), -1, wall, sampler.peakRssBytes(), tail, sampler.samples(), spawnEpochNs);
            }
            return readResult(spec, row, out, process.exitValue(), wall, sampler.peakRssBytes(), sampler.samples(), tail, spawnEpochNs,
                    environment);
        }
    }

    /**
     * Empties the row's output folder and writes its spec.json; empty when that worked, else the row's error. Every
     * way of running a row (a local process, a container) starts from it.
     */
    public static Optional<RowRun> prepare(RunSpec spec, Path rowDir) {
        Path out = rowDir.resolve("out");
        try {
            deleteRecursively(out);
            Files.createDirectories(out);
            Json.writeAtomically(rowDir.resolve("spec.json"), spec);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of(failed(spec, out, spec.task() + " " + spec.impl() + ": cannot prepare " + rowDir + ": " + e.getMessage(),
                    -1, 0, -1, "", List.of(), 0));
        }
    }

    /**
     * The row as its process left it: the result.json it wrote, checked (status, row, outputs inside the folder), or
     * the error naming why there is none (its exit code first). For every way of running a row.
     */
    public static RowRun readResult(RunSpec spec, String row, Path out, int exit, long wall, long peakRss,
                                    List<ProcessSampler.Sample> samples, String tail, long spawnEpochNs,
                                    Map<String, String> environment) {
        Path resultFile = out.resolve("result.json");
        RunResult result = null;
        String parseProblem = null;
        if (!Files.isRegularFile(resultFile)) {
            parseProblem = "no result.json written";
        } else {
            try {
                result = Json.read(resultFile, RunResult.class);
            } catch (IOException e) {
                parseProblem = "malformed result.json: " + e.getMessage().lines().findFirst().orElse("");
            }
        }
        String error = null;
        if (exit != 0) {
            String reported = result != null && result.error() != null ? ": " + result.error() : "";
            error = row + ": " + exitDescription(exit) + reported;
        } else if (parseProblem != null) {
            error = row + ": " + parseProblem;
        } else if (!result.ok()) {
            error = row + ": runner reported status '" + result.status() + "'" + (result.error() == null ? "" : ": " + result.error());
        } else if (!spec.task().equals(result.task()) || !spec.impl().equals(result.impl())) {
            error = row + ": result.json is for " + result.task() + " " + result.impl();
        } else {
            error = ResultValidation.problem(spec, result, out).map(problem -> row + ": " + problem).orElse(null);
        }
        if (error != null) {
            return failed(spec, out, error + diskFullSuffix(out) + stderrSuffix(tail), exit, wall, peakRss, tail, samples,
                    spawnEpochNs);
        }
        return new RowRun(spec, result, null, exit, wall, peakRss, tail, out, samples, spawnEpochNs, environment, ProcessHost.local());
    }

    /**
     * How the runner ended: its exit code and, for a code above 128 (how the JVM, like a shell, reports a process
     * killed by a signal), the signal named with what usually sends it.
     */
    static String exitDescription(int exit) {
        String signal = switch (exit - 128) {
            case 6 -> "SIGABRT: the runner aborted (a failed native assertion, or a double free)";
            case 9 -> "SIGKILL: killed from outside, e.g. by the kernel's out-of-memory killer";
            case 11 -> "SIGSEGV: a segmentation fault, in native code";
            case 15 -> "SIGTERM: asked to stop from outside";
            default -> null;
        };
        return "runner exited with code " + exit + (signal == null ? "" : " = 128 + signal " + (exit - 128) + " (" + signal + ")");
    }

    /** A row that ended in an error, with what was measured of it. */
    public static RowRun failed(RunSpec spec, Path out, String message, int exit, long wall, long peak, String tail,
                                List<ProcessSampler.Sample> timeline, long spawnEpochNs) {
        return new RowRun(spec, null, message, exit, wall, peak, tail, out, timeline, spawnEpochNs,
                spec == null ? Map.of() : ThreadEnvironment.forThreads(spec.threads()), ProcessHost.local());
    }

    /**
     * A full disk also swallows the runner's own account of it (stderr.txt lives on the same file system): say so
     * when the row's folder has next to no space left.
     */
    private static String diskFullSuffix(Path out) {
        try {
            long free = Files.getFileStore(out).getUsableSpace();
            return free < 64 * 1024 ? ": the file system holding " + out + " is full (" + free + " bytes free; No space left on device)"
                    : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** The stderr tail as an error message's last part. */
    public static String stderrSuffix(String tail) {
        return tail.isBlank() ? "" : "\n--- runner stderr (tail) ---\n" + tail.strip();
    }

    /** Kills a process and everything it started, and waits briefly for it to be gone. */
    public static void killTree(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
