package org.equibench.runner.slurm;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.equibench.data.Json;
import org.equibench.runner.RowExecutor;
import org.equibench.runner.RowRun;

/**
 * What one array task runs on its node: process SLURM_ARRAY_TASK_ID of jobs.json, through the same
 * {@link RowExecutor} as a local run, its {@link RowRun} left as row-run.json for the harness to collect.
 */
public final class SlurmRowMain {
    private SlurmRowMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: SlurmRowMain JOBS_JSON (with SLURM_ARRAY_TASK_ID set)");
            System.exit(2);
        }
        String index = System.getenv("SLURM_ARRAY_TASK_ID");
        if (index == null) {
            System.err.println("SLURM_ARRAY_TASK_ID is not set: this runs as a task of an sbatch array");
            System.exit(2);
        }
        ArrayJob job = ArrayJob.read(Path.of(args[0]));
        ArrayJob.Process p = job.processes().get(Integer.parseInt(index.trim()));
        System.out.println("[equibench] " + p.task() + " " + p.impl() + " round " + p.round());
        RowRun run = RowExecutor.execute(p.command(), p.environment(), p.workingDirectory(), p.spec(), p.rowDir(),
                Duration.ofSeconds(p.timeoutSeconds()));
        Json.writeAtomically(p.rowRunFile(), run);
        System.out.println("[equibench] " + (run.ok() ? "ok" : "error: " + run.error().lines().findFirst().orElse("")));
    }
}
