package org.equibench.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/**
 * rerun.sh beside each row process's spec: the same command, working folder and environment, so that a reader
 * can run one row again by hand, or under a profiler ({@code PROFILER="perf record -g --" bash rerun.sh}).
 */
public final class RerunScript {
    private RerunScript() {
    }

    public static void write(Path file, String row, Path workDir, Map<String, String> environment, List<String> command)
            throws IOException {
        StringBuilder sh = new StringBuilder("#!/usr/bin/env bash\n")
                .append("# ").append(row).append(" as the harness ran it; it rewrites this folder's out/.\n")
                .append("# Under a profiler: PROFILER=\"perf record -g -o perf.data --\" bash rerun.sh\n")
                .append("set -euo pipefail\n")
                .append("cd ").append(quote(workDir.toAbsolutePath().toString())).append('\n');
        // The runner's environment as the harness gives it (RunnerEnvironment): only the passed-on variables survive.
        sh.append("profiler=${PROFILER:-}\n")
                .append("for name in $(compgen -e); do\n  case $name in ")
                .append(String.join("|", RunnerEnvironment.PASSED_ON)).append(") ;;\n  *) unset \"$name\" ;;\n  esac\ndone\n");
        environment.forEach((k, v) -> sh.append("export ").append(k).append('=').append(quote(v)).append('\n'));
        sh.append("exec $profiler");
        command.forEach(part -> sh.append(' ').append(quote(part)));
        sh.append('\n');
        Files.writeString(file, sh);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: run it with bash
        }
    }

    /** One shell word, single-quoted. */
    public static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
