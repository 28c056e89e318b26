package org.equibench.runner.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The figures the container's entrypoint (containers/equibench-entrypoint.sh) wrote after its runner ended, read from
 * inside the container because its cgroup's files are gone once it exits: the cgroup version, the memory peak
 * ({@code memory.peak}; {@code memory.max_usage_in_bytes} on cgroup v1) and limit, how many processes the kernel's
 * out-of-memory killer ended ({@code oom_kill}; -1 where the kernel does not count), and when the runner started and
 * ended (epoch ns, the clock the harness reads too: the container's start-up is the time before the runner started).
 */
public record CgroupFigures(String cgroupVersion, long memoryPeakBytes, long memoryLimitBytes, int oomKills, long runnerStartEpochNs,
                            long runnerEndEpochNs, int exitCode) {
    public static final String FILE = "cgroup.txt";

    /** The figures of a file, empty when the entrypoint wrote none (it was killed, or the image has another entrypoint). */
    public static Optional<CgroupFigures> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(new CgroupFigures(values.getOrDefault("cgroup", "unknown"), number(values, "memory_peak_bytes"),
                number(values, "memory_limit_bytes"), (int) number(values, "oom_kills"), number(values, "runner_start_epoch_ns"),
                number(values, "runner_end_epoch_ns"), (int) number(values, "exit_code")));
    }

    private static long number(Map<String, String> values, String key) {
        try {
            return Long.parseLong(values.getOrDefault(key, "-1"));
        } catch (NumberFormatException e) {
            return -1; // "max" (no limit) and anything unreadable
        }
    }
}
