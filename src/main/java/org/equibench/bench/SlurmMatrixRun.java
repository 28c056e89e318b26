package org.equibench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.equibench.data.Json;
import org.equibench.runner.JavaForkLauncher;
import org.equibench.runner.Launcher;
import org.equibench.runner.RowRun;
import org.equibench.runner.provision.Commands;
import org.equibench.runner.slurm.ArrayJob;
import org.equibench.runner.slurm.SbatchScript;
import org.equibench.runner.slurm.SlurmClient;
import org.equibench.runner.slurm.SlurmOptions;
import org.equibench.task.Implementation;
import org.equibench.task.Task;
import org.equibench.task.Tasks;

/**
 * The selected matrix as one Slurm job array: the inputs of every selected task are prepared once on the shared
 * folder, each (task, row, round) becomes one array task running the same command as a local run, and the runs
 * are collected into each task's {@link TaskMatrix}, where the same gate and statistics judge them. An array task
 * that ended without a result (failed, killed for memory, timed out, cancelled) becomes an error naming its Slurm
 * state, with the tail of its log.
 */
public final class SlurmMatrixRun {
    private static final int LOG_TAIL_CHARS = 1500;

    private final BenchmarkSession session;
    private final SlurmOptions options;
    private final SlurmClient client;
    private boolean ran;
    private String jobId;

    public SlurmMatrixRun(BenchmarkSession session, SlurmOptions options, SlurmClient client) {
        this.session = session;
        this.options = options;
        this.client = client;
    }

    private record Planned(TaskMatrix matrix, Implementation impl, int index) {
    }

    /**
     * Runs the rows of every selected task (and of any other task the session already has a matrix for) as one
     * array, the first time any task asks; later calls find them done.
     */
    public synchronized void runMatrix() throws IOException {
        if (ran) {
            return;
        }
        ran = true;
        Settings settings = session.settings();
        List<ArrayJob.Process> processes = new ArrayList<>();
        List<Planned> planned = new ArrayList<>();
        for (Task task : Tasks.all()) {
            if (settings.selectsTask(task.id())) {
                session.matrix(task);
            }
        }
        for (TaskMatrix matrix : session.matrices()) {
            for (int round = 1; round <= matrix.rounds(); round++) {
                for (Implementation impl : matrix.referenceFirst()) {
                    ArrayJob.Process p = plan(matrix, impl, round);
                    if (p != null) {
                        planned.add(new Planned(matrix, impl, processes.size()));
                        processes.add(p);
                    }
                }
            }
        }
        if (processes.isEmpty()) {
            return;
        }
        try {
            run(new ArrayJob(processes), planned);
        } catch (IOException e) {
            // No array ran (sbatch refused it, or the cluster cannot be reached): every planned row says why.
            String why = "the Slurm array could not be submitted or followed: " + e.getMessage();
            for (Planned p : planned) {
                if (p.matrix().rounds(p.impl()).isEmpty()) {
                    ArrayJob.Process process = processes.get(p.index());
                    p.matrix().recordRound(p.impl(), error(process, why));
                }
            }
        }
    }

    /** The array task of one process, or null when the row cannot run (recorded on the matrix instead). */
    private ArrayJob.Process plan(TaskMatrix matrix, Implementation impl, int round) {
        Optional<Launcher> launcher = matrix.nextRoundLauncher(impl);
        if (launcher.isEmpty()) {
            return null;
        }
        Path rowDir = matrix.rowDir(impl, round);
        try {
            var spec = matrix.specFor(impl);
            return new ArrayJob.Process(matrix.task().id(), impl.id(), round, spec, rowDir,
                    launcher.get().command(spec, rowDir.resolve("spec.json"), rowDir.resolve("out")), launcher.get().environment(),
                    launcher.get().workingDirectory(), matrix.timeout().toSeconds());
        } catch (IOException e) {
            matrix.recordRound(impl, matrix.notPrepared(impl, e, rowDir));
            return null;
        }
    }

    private void run(ArrayJob job, List<Planned> planned) throws IOException {
        Path jobDir = session.settings().workDir().resolve("slurm").resolve(Instant.now().toString().replace(':', '-'));
        Files.createDirectories(jobDir.resolve("logs"));
        job.write(jobDir.resolve(ArrayJob.FILE));
        Path script = jobDir.resolve("array.sbatch");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.writeString(script, SbatchScript.render(job, jobDir, session.settings().threads(), options, java,
                JavaForkLauncher.harnessClasspath(session.settings().root())));
        jobId = client.submit(script);
        System.out.println("[equibench] submitted Slurm job " + jobId + ": " + job.processes().size() + " row processes as one array ("
                + String.join(" ", options.sbatchOptions()) + "), script " + script);
        // Ctrl-C or a killed build must not leave the array running on the cluster.
        Thread cancel = new Thread(() -> client.cancel(jobId), "scancel-" + jobId);
        Runtime.getRuntime().addShutdownHook(cancel);
        try {
            follow(jobId, job, jobDir, planned);
        } catch (IOException | RuntimeException e) {
            client.cancel(jobId); // nobody will collect what is still queued
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cancel);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** How the run's results file names this executor. */
    public synchronized String describe() {
        return "slurm" + (jobId == null ? "" : " job " + jobId) + " (" + String.join(" ", options.sbatchOptions()) + ")";
    }

    /** Polls squeue until every array task has left the queue, collecting each as it ends. */
    private void follow(String jobId, ArrayJob job, Path jobDir, List<Planned> planned) throws IOException {
        long start = System.nanoTime();
        RowRun[] runs = new RowRun[job.processes().size()];
        int collected = 0;
        while (collected < runs.length) {
            try {
                Thread.sleep(Math.max(100, (long) (options.pollSeconds() * 1000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                client.cancel(jobId);
                throw new IOException("interrupted while following Slurm job " + jobId + " (cancelled)");
            }
            Set<Integer> unfinished = client.unfinished(jobId);
            for (int i = 0; i < runs.length; i++) {
                if (runs[i] == null && !unfinished.contains(i)) {
                    ArrayJob.Process p = job.processes().get(i);
                    runs[i] = collect(jobId, i, p, jobDir);
                    collected++;
                    System.out.println(progressLine(p, runs[i], collected, runs.length, unfinished.size(), System.nanoTime() - start));
                }
            }
        }
        // Rounds are recorded in round order, whatever order the nodes finished them in.
        for (Planned p : planned) {
            p.matrix().recordRound(p.impl(), runs[p.index()]);
        }
    }

    /** The process's row-run.json, or an error row with the array task's Slurm state and the tail of its log. */
    private RowRun collect(String jobId, int index, ArrayJob.Process p, Path jobDir) {
        Path file = p.rowRunFile();
        if (Files.isRegularFile(file)) {
            try {
                return Json.read(file, RowRun.class);
            } catch (IOException e) {
                return error(p, "Slurm array task " + jobId + "_" + index + " left an unreadable " + file + ": " + e.getMessage());
            }
        }
        String log = Commands.tail(jobDir.resolve("logs/" + index + ".log"), LOG_TAIL_CHARS).strip();
        return error(p, "Slurm array task " + jobId + "_" + index + " ended without a result: " + client.endState(jobId, index)
                + (log.isEmpty() ? "" : "\n--- Slurm log (tail) ---\n" + log));
    }

    private static RowRun error(ArrayJob.Process p, String message) {
        return RowRun.notStarted(p.task() + " " + p.impl() + " round " + p.round() + ": " + message, p.rowDir().resolve("out"));
    }

    /**
     * One line per ended array task; the time left is extrapolated from the rate at which tasks end, which already
     * counts how many the cluster runs at once.
     */
    static String progressLine(ArrayJob.Process p, RowRun run, int done, int total, int inQueue, long elapsedNs) {
        long leftNs = done == 0 ? 0 : elapsedNs / done * (total - done);
        return String.format("[equibench] %s %s round %d: %s; %d/%d array tasks done (%d queued or running), about %s left",
                p.task(), p.impl(), p.round(), run.ok() ? String.format("%.1f s", run.wallNs() / 1e9) : "error", done, total,
                inQueue, RunProgress.human(Math.max(0, leftNs)));
    }
}
