package org.equibench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches another process from outside: every interval it reads the child's RSS (with its descendants'),
 * its high-water mark and CPU time from /proc. The parent's view is what makes RSS comparable across languages (a runner's own figures
 * may be reset per phase), and the samples form the row's resource timeline.
 */
public final class ProcessSampler implements AutoCloseable {
    /** One reading: time since start, resident set, high-water mark, user+system CPU time. */
    public record Sample(long elapsedNs, long rssBytes, long hwmBytes, long cpuNs) {
    }

    private static final long CLOCK_TICK_NS = 10_000_000L; // USER_HZ is 100 on Linux

    private final long pid;
    private final long intervalMs;
    private final long startNs = System.nanoTime();
    private final List<Sample> samples = new ArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    private ProcessSampler(long pid, long intervalMs) {
        this.pid = pid;
        this.intervalMs = intervalMs;
        this.thread = new Thread(this::loop, "equibench-sampler-" + pid);
        this.thread.setDaemon(true);
    }

    public static ProcessSampler start(long pid, long intervalMs) {
        ProcessSampler s = new ProcessSampler(pid, intervalMs);
        s.thread.start();
        return s;
    }

    private void loop() {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        while (running) {
            long rss = ProcMemory.statusBytes(status, "VmRSS:");
            long hwm = ProcMemory.statusBytes(status, "VmHWM:");
            // a runner started through a wrapper (shell, launcher script) does its work in a child process
            rss += ProcessHandle.of(pid).stream().flatMap(ProcessHandle::descendants)
                    .mapToLong(d -> Math.max(0, ProcMemory.statusBytes(Path.of("/proc", Long.toString(d.pid()), "status"), "VmRSS:")))
                    .sum();
            if (rss >= 0) {
                synchronized (samples) {
                    samples.add(new Sample(System.nanoTime() - startNs, rss, hwm, cpuNs(stat)));
                }
            }
            try {
                Thread.sleep(intervalMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long cpuNs(Path stat) {
        try {
            String s = Files.readString(stat);
            // fields after the parenthesised command name; utime and stime are fields 14 and 15
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * CLOCK_TICK_NS;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The largest RSS or high-water mark seen; -1 if the process ended before the first reading. */
    public long peakRssBytes() {
        return samples().stream().mapToLong(s -> Math.max(s.rssBytes(), s.hwmBytes())).max().orElse(-1);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
