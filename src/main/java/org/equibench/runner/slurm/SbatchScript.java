package org.equibench.runner.slurm;

import java.nio.file.Path;
import java.util.List;

/**
 * The batch script of one array: one array task per row process, each given the run's thread count as its CPUs,
 * the memory asked for, and a time limit covering the longest row timeout plus the node JVM's start and the
 * row's own start-up. Every array task starts a small JVM that runs its process through the same
 * {@link org.equibench.runner.RowExecutor} as a local run.
 */
public final class SbatchScript {
    /** The node's JVM start, the runner's provisioning checks and the copy of its results. */
    static final long SLACK_SECONDS = 120;

    private SbatchScript() {
    }

    public static String render(ArrayJob job, Path jobDir, int threads, SlurmOptions options, Path java, String classpath) {
        StringBuilder s = new StringBuilder("#!/bin/bash\n");
        s.append("#SBATCH --job-name=equibench\n");
        s.append("#SBATCH --array=0-").append(job.processes().size() - 1).append('\n');
        s.append("#SBATCH --ntasks=1\n");
        s.append("#SBATCH --cpus-per-task=").append(threads).append('\n');
        s.append("#SBATCH --time=").append(timeLimitMinutes(job.longestTimeoutSeconds())).append('\n');
        s.append("#SBATCH --output=").append(jobDir.resolve("logs/%a.log")).append('\n');
        s.append("#SBATCH --chdir=").append(jobDir).append('\n');
        for (String option : options.sbatchOptions()) {
            s.append("#SBATCH ").append(option).append('\n');
        }
        // A small heap: the node JVM only starts the row's process and waits for it.
        s.append("exec ").append(quote(java.toString())).append(" -Xmx96m -cp ").append(quote(classpath)).append(' ')
                .append(SlurmRowMain.class.getName()).append(' ').append(quote(jobDir.resolve(ArrayJob.FILE).toString())).append('\n');
        return s.toString();
    }

    /** Whole minutes, rounded up, so that a row is killed by its own timeout (with its stderr) before Slurm's. */
    static long timeLimitMinutes(long longestTimeoutSeconds) {
        return (longestTimeoutSeconds + SLACK_SECONDS + 59) / 60;
    }

    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /** The sbatch command line for a script file (the options are in the script). */
    static List<String> submitCommand(Path script) {
        return List.of("sbatch", "--parsable", script.toString());
    }
}
