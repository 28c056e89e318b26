package org.equibench.task;

/** How much work a run does: warm-up, repetitions and processes per row, and data sizes where a task has them. */
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

    /** How often each row runs at a scale; a task with long phases may ask for less (see {@link Task#plan}). */
    public record Plan(int warmup, int warmupMinMs, int repetitions, int rounds) {
    }

    public Plan plan() {
        return new Plan(warmup, warmupMinMs, repetitions, rounds);
    }

    public String id() {
        return name().toLowerCase();
    }

    public static Scale parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("equibench.scale must be ci or full, got '" + s + "'");
        }
    }
}
