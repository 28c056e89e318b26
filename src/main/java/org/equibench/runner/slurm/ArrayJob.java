package org.equibench.runner.slurm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.data.Json;
import org.equibench.protocol.RunSpec;

/**
 * The row processes of one sbatch array, written as jobs.json on the shared folder: array task i runs process i
 * exactly as a local run would (the same command, environment, folder and timeout) and leaves its
 * {@link org.equibench.runner.RowRun} as row-run.json beside the row's spec.
 */
public record ArrayJob(List<Process> processes) {

    public static final String FILE = "jobs.json";

    /** One (task, row, round) process. */
    public record Process(String task, String impl, int round, RunSpec spec, Path rowDir, List<String> command,
                          Map<String, String> environment, Path workingDirectory, long timeoutSeconds) {

        /** Where the array task leaves the process's {@link org.equibench.runner.RowRun}. */
        public Path rowRunFile() {
            return rowDir.resolve("row-run.json");
        }
    }

    public long longestTimeoutSeconds() {
        return processes.stream().mapToLong(Process::timeoutSeconds).max().orElse(0);
    }

    public void write(Path file) throws IOException {
        Json.writeAtomically(file, this);
    }

    public static ArrayJob read(Path file) throws IOException {
        return Json.read(file, ArrayJob.class);
    }
}
