package org.equibench;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The run's selectors and switches, read from system properties (-D on the Maven command line):
 * {@code equibench.tasks}, {@code equibench.impls} (comma-separated globs), {@code equibench.scale}
 * (ci|full), {@code equibench.require} (all: a missing toolchain fails instead of skipping),
 * {@code equibench.write-goldens} (true: the reference run rewrites data/reference/TASK).
 */
public record Settings(Path root, Path workDir, List<Pattern> tasks, List<Pattern> impls, Scale scale,
                       boolean requireAll, boolean writeGoldens) {

    public static Settings fromSystemProperties() {
        Path root = Path.of(System.getProperty("equibench.root", ".")).toAbsolutePath().normalize();
        return new Settings(
                root,
                root.resolve("target/equibench"),
                globs(System.getProperty("equibench.tasks", "*")),
                globs(System.getProperty("equibench.impls", "*")),
                Scale.parse(System.getProperty("equibench.scale", "ci")),
                "all".equalsIgnoreCase(System.getProperty("equibench.require", "")),
                Boolean.parseBoolean(System.getProperty("equibench.write-goldens", "false")));
    }

    public boolean selectsTask(String id) {
        return tasks.stream().anyMatch(p -> p.matcher(id).matches());
    }

    public boolean selectsImpl(String id) {
        return impls.stream().anyMatch(p -> p.matcher(id).matches());
    }

    /** The same settings with another working folder (tests keep their runs apart from the main run's). */
    public Settings withWorkDir(Path dir) {
        return new Settings(root, dir, tasks, impls, scale, requireAll, writeGoldens);
    }

    /** The same settings selecting only the given implementation globs. */
    public Settings withImpls(String csv) {
        return new Settings(root, workDir, tasks, globs(csv), scale, requireAll, writeGoldens);
    }

    static List<Pattern> globs(String csv) {
        return Arrays.stream(csv.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(g -> Pattern.compile(Pattern.quote(g).replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q")))
                .toList();
    }

    /** How much work a run does: repetitions now, data sizes for later tasks. */
    public enum Scale {
        CI(1, 100, 3, 2), FULL(5, 1000, 10, 3);

        /** warm-up runs per phase and process: at least this many ... */
        public final int warmup;
        /** ... and for at least this long, so JIT compilers reach their optimised code (JMH's time-based warm-up) */
        public final int warmupMinMs;
        /** timed repetitions per process */
        public final int repetitions;
        /** processes per row, interleaved across rows (A B C A B C …); samples are pooled */
        public final int rounds;

        Scale(int warmup, int warmupMinMs, int repetitions, int rounds) {
            this.warmup = warmup;
            this.warmupMinMs = warmupMinMs;
            this.repetitions = repetitions;
            this.rounds = rounds;
        }

        public String id() {
            return name().toLowerCase();
        }

        static Scale parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("equibench.scale must be ci or full, got '" + s + "'");
            }
        }
    }
}
