package org.equibench.bench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.equibench.task.Scale;

/**
 * The run's selectors and switches, read from system properties (-D on the Maven command line):
 * {@code equibench.tasks}, {@code equibench.impls} (comma-separated globs), {@code equibench.scale}
 * (ci|full), {@code equibench.threads} (compute threads of every row, default 1),
 * {@code equibench.device} (cpu|cuda: the device of the rows that can use it, the others stay on the cpu),
 * {@code equibench.require} (all: a missing toolchain fails instead of skipping),
 * {@code equibench.write-goldens} (true: the reference run rewrites data/reference/TASK),
 * {@code equibench.rounds} (processes per row, overriding every task's plan; 0 or unset: the plan's).
 */
public record Settings(Path root, Path workDir, List<Pattern> tasks, List<Pattern> impls, Scale scale,
                       int threads, String device, boolean requireAll, boolean writeGoldens, int rounds) {

    public static final List<String> DEVICES = List.of("cpu", "cuda");

    public static Settings fromSystemProperties() {
        Path root = Path.of(System.getProperty("equibench.root", ".")).toAbsolutePath().normalize();
        return new Settings(
                root,
                root.resolve("target/equibench"),
                globs(System.getProperty("equibench.tasks", "*")),
                globs(System.getProperty("equibench.impls", "*")),
                Scale.parse(System.getProperty("equibench.scale", "ci")),
                threadCount(System.getProperty("equibench.threads", "1")),
                device(System.getProperty("equibench.device", "cpu")),
                "all".equalsIgnoreCase(System.getProperty("equibench.require", "")),
                Boolean.parseBoolean(System.getProperty("equibench.write-goldens", "false")),
                roundCount(System.getProperty("equibench.rounds", "")));
    }

    public boolean selectsTask(String id) {
        return tasks.stream().anyMatch(p -> p.matcher(id).matches());
    }

    public boolean selectsImpl(String id) {
        return impls.stream().anyMatch(p -> p.matcher(id).matches());
    }

    /** The same settings with another working folder (tests keep their runs apart from the main run's). */
    public Settings withWorkDir(Path dir) {
        return new Settings(root, dir, tasks, impls, scale, threads, device, requireAll, writeGoldens, rounds);
    }

    /** The same settings at another scale. */
    public Settings withScale(Scale other) {
        return new Settings(root, workDir, tasks, impls, other, threads, device, requireAll, writeGoldens, rounds);
    }

    /** The same settings selecting only the given task globs. */
    public Settings withTasks(String csv) {
        return new Settings(root, workDir, globs(csv), impls, scale, threads, device, requireAll, writeGoldens, rounds);
    }

    /** The same settings selecting only the given implementation globs. */
    public Settings withImpls(String csv) {
        return new Settings(root, workDir, tasks, globs(csv), scale, threads, device, requireAll, writeGoldens, rounds);
    }

    /** The same settings on another device. */
    public Settings withDevice(String other) {
        return new Settings(root, workDir, tasks, impls, scale, threads, device(other), requireAll, writeGoldens, rounds);
    }

    /** Processes per row of a task: the run's override, else the task's plan at this scale. */
    public int roundsOf(org.equibench.task.Task task) {
        return rounds > 0 ? rounds : task.plan(scale).rounds();
    }

    /** The device a row runs on: the run's device where the row can use it, else the cpu. */
    public String deviceFor(org.equibench.task.Implementation impl) {
        return impl.devices().contains(device) ? device : "cpu";
    }

    static String device(String text) {
        String d = text.trim().toLowerCase(java.util.Locale.ROOT);
        if (!DEVICES.contains(d)) {
            throw new IllegalArgumentException("equibench.device must be one of " + DEVICES + ", got '" + text + "'");
        }
        return d;
    }

    static List<Pattern> globs(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(g -> Pattern.compile(Pattern.quote(g).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")))
                .toList();
    }

    /** A selector glob as the user wrote it. */
    public static String globText(Pattern glob) {
        return glob.pattern().replace("\\E.*\\Q", "*").replace("\\E.\\Q", "?").replace("\\Q", "").replace("\\E", "");
    }

    static int roundCount(String text) {
        if (text.isBlank()) {
            return 0;
        }
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("equibench.rounds must be a positive number of processes per row, got '" + text + "'");
    }

    static int threadCount(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("equibench.threads must be one positive thread count (e.g. 1 or 2), got '" + text
                + "'; run the matrix once per count to compare thread counts");
    }
}
