package org.equibench.measure;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.equibench.protocol.RunResult.PhaseSamples;

/**
 * The measurement loop of the runner protocol, for implementations running in a forked JVM: warm-up,
 * reset of the RSS high-water mark, timed repetitions, peak RSS, and the bytes this thread allocated.
 * It knows nothing about what it measures (JMH's separation of measurement and workload).
 */
public final class PhaseMeter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final int warmup;
    private final long warmupMinNs;
    private final int repetitions;

    /** Warm-up runs at least {@code warmup} times and for at least {@code warmupMinMs}; then {@code repetitions} timed runs. */
    public PhaseMeter(int warmup, int warmupMinMs, int repetitions) {
        if (repetitions < 1) {
            throw new IllegalArgumentException("repetitions must be >= 1, got " + repetitions);
        }
        this.warmup = warmup;
        this.warmupMinNs = warmupMinMs * 1_000_000L;
        this.repetitions = repetitions;
    }

    /** Work to be measured; may throw, which ends the run as an error. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** What to record after each timed repetition, outside the clock (the digest of the phase's outputs). */
    @FunctionalInterface
    public interface AfterRepetition {
        String record() throws Exception;
    }

    public PhaseSamples measure(int opsPerSample, Body body) throws Exception {
        return measure(opsPerSample, body, null);
    }

    /** As {@link #measure(int, Body)}, calling {@code after} after each timed repetition; its answers are reported in order. */
    public PhaseSamples measure(int opsPerSample, Body body, AfterRepetition after) throws Exception {
        long firstCall = -1;
        long warmupStart = System.nanoTime();
        int warmups = 0;
        // warmup = 0 means no warm-up at all (a cold measurement); otherwise both the count and the time must be met
        while (warmup > 0 && (warmups < warmup || System.nanoTime() - warmupStart < warmupMinNs)) {
            long t0 = System.nanoTime();
            body.run();
            if (warmups++ == 0) {
                firstCall = System.nanoTime() - t0;
            }
        }
        boolean reset = ProcMemory.resetHighWaterMark();
        long rssBefore = ProcMemory.rssBytes();
        long thread = Thread.currentThread().getId();
        long[] samples = new long[repetitions]; // primitive, so timing allocates nothing itself
        List<String> recorded = after == null ? null : new ArrayList<>(repetitions);
        long allocated = 0;
        for (int i = 0; i < repetitions; i++) {
            long allocatedBefore = THREADS.getThreadAllocatedBytes(thread);
            long t0 = System.nanoTime();
            body.run();
            samples[i] = System.nanoTime() - t0;
            allocated += THREADS.getThreadAllocatedBytes(thread) - allocatedBefore;
            if (after != null) {
                recorded.add(after.record());
            }
        }
        long peak = ProcMemory.highWaterMarkBytes();
        List<Long> sampleList = new ArrayList<>(repetitions);
        for (long s : samples) {
            sampleList.add(s);
        }
        return new PhaseSamples(warmups, opsPerSample, sampleList, rssBefore, peak, reset, allocated / repetitions,
                firstCall >= 0 ? firstCall : samples[0], recorded);
    }
}
