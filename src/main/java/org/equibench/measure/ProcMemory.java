package org.equibench.measure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident-set figures from Linux's /proc: current RSS, the high-water mark, and resetting that mark
 * (writing 5 to clear_refs) so a phase's peak is its own. Returns -1 / false where /proc lacks them.
 */
public final class ProcMemory {
    private ProcMemory() {
    }

    public static long rssBytes() {
        return statusBytes(Path.of("/proc/self/status"), "VmRSS:");
    }

    public static long highWaterMarkBytes() {
        return statusBytes(Path.of("/proc/self/status"), "VmHWM:");
    }

    public static boolean resetHighWaterMark() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** A field such as {@code VmRSS:} of a /proc/PID/status file, in bytes; -1 if absent or the process is gone. */
    public static long statusBytes(Path statusFile, String field) {
        try {
            for (String line : Files.readAllLines(statusFile)) {
                if (line.startsWith(field)) {
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
