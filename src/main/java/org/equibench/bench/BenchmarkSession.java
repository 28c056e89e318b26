package org.equibench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.equibench.report.ChartFiles;
import org.equibench.report.ChartImage;
import org.equibench.report.HostInfo;
import org.equibench.report.HtmlPage;
import org.equibench.report.MarkdownSummary;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.equibench.report.RunInfo;
import org.equibench.report.RunVerdict;
import org.equibench.report.TaskCharts;
import org.equibench.runner.Launchers;
import org.equibench.runner.container.ContainerOptions;
import org.equibench.runner.container.ContainerRuntime;
import org.equibench.runner.provision.PythonVenv;
import org.equibench.runner.slurm.SlurmClient;
import org.equibench.runner.slurm.SlurmOptions;
import org.equibench.task.Task;
import org.equibench.task.Tasks;

/**
 * One benchmark run: its settings, launchers (so each toolchain is provisioned once), host facts, and
 * the rows recorded so far. At the end it writes results/&lt;ts&gt;.json, latest.json and latest.md.
 */
public final class BenchmarkSession {
    private static BenchmarkSession current;

    private final Settings settings;
    private final Launchers launchers;
    private final String startedAt = Instant.now().toString();
    private final List<ResultRow> rows = new ArrayList<>();
    private final RunProgress progress;
    private final SlurmMatrixRun slurm;
    private final ContainerRuntime containers;
    private final java.util.Map<String, TaskMatrix> matrices = new java.util.LinkedHashMap<>();
    private RunInfo runInfo;
    private boolean resultsWritten;

    /** A run whose rows run on this machine. */
    public BenchmarkSession(Settings settings) {
        this(settings, (SlurmOptions) null);
    }

    /** With {@code slurm} set, the selected matrix runs as one Slurm array (see {@link SlurmMatrixRun}). */
    public BenchmarkSession(Settings settings, SlurmOptions slurm) {
        this(settings, slurm, new SlurmClient());
    }

    /** With the Slurm commands run through {@code client} (tests point it at a private cluster). */
    public BenchmarkSession(Settings settings, SlurmOptions slurm, SlurmClient client) {
        this(settings, slurm, client, null);
    }

    /** With {@code containers} set, every row process runs in its language's container (see {@link ContainerRuntime}). */
    public BenchmarkSession(Settings settings, ContainerOptions containers) {
        this(settings, null, new SlurmClient(), containers);
    }

    private BenchmarkSession(Settings settings, SlurmOptions slurm, SlurmClient client, ContainerOptions containers) {
        if (slurm != null && containers != null) {
            throw new IllegalArgumentException("equibench.runtime=container and equibench.executor=slurm cannot be combined: "
                    + "a Slurm array task runs its row as a process on its node");
        }
        this.settings = settings;
        this.slurm = slurm == null ? null : new SlurmMatrixRun(this, slurm, client);
        this.containers = containers == null ? null : new ContainerRuntime(settings.root(), containers);
        this.launchers = new Launchers(settings.root());
        this.progress = new RunProgress(Tasks.all(), settings);
        try {
            Files.deleteIfExists(RunVerdict.file(settings.workDir())); // an earlier run's verdict must not pass for this one's
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public RunProgress progress() {
        return progress;
    }

    /**
     * The session of this JVM, created from system properties on first use. It holds the working folder's
     * {@link RunLock} for the JVM's life, and if the JVM is stopped (Ctrl-C, a kill) before the results are written,
     * it writes the rows finished so far as a results file marked interrupted.
     */
    public static synchronized BenchmarkSession current() {
        if (current == null) {
            Settings settings = Settings.fromSystemProperties();
            try {
                RunLock.acquire(settings.workDir()); // released when the JVM ends
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot lock " + settings.workDir(), e);
            }
            BenchmarkSession session = new BenchmarkSession(settings, SlurmOptions.fromSystemProperties().orElse(null), new SlurmClient(),
                    ContainerOptions.fromSystemProperties().orElse(null));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> session.writeInterruptedResults(
                    settings.root().resolve("results"), "the run was stopped (a signal) before all its rows ran"), "equibench-interrupted"));
            current = session;
        }
        return current;
    }

    /** The current session if one was started; for closing it without creating one. */
    public static synchronized BenchmarkSession currentIfStarted() {
        return current;
    }

    public Settings settings() {
        return settings;
    }

    public Launchers launchers() {
        return launchers;
    }

    /** The Slurm executor of this run; empty for a local run. */
    public Optional<SlurmMatrixRun> slurm() {
        return Optional.ofNullable(slurm);
    }

    /** The container runtime of this run; empty when rows run as local processes. */
    public Optional<ContainerRuntime> containers() {
        return Optional.ofNullable(containers);
    }

    /** The one matrix of a task in this run (its rows, rounds and prepared inputs). */
    public synchronized TaskMatrix matrix(Task task) {
        return matrices.computeIfAbsent(task.id(), id -> new TaskMatrix(task, this));
    }

    /** The matrices made so far, in the order they were made. */
    public synchronized List<TaskMatrix> matrices() {
        return List.copyOf(matrices.values());
    }

    public synchronized RunInfo runInfo() {
        if (runInfo == null) {
            Path python = new PythonVenv(settings.root()).python();
            java.util.Map<String, Object> host = HostInfo.collect(settings.root(), python);
            // where the row processes ran: this machine, or the nodes of a Slurm array (each row lists its own)
            host.put("executor", slurm != null ? slurm.describe() : containers != null ? containers.describe() : "local");
            if (containers != null) {
                host.putAll(containers.manifest()); // the limits every row's container ran under
            }
            runInfo = new RunInfo(startedAt, HostInfo.gitCommit(settings.root()), settings.scale().id(), host);
        }
        return runInfo;
    }

    public synchronized void record(ResultRow row) {
        rows.add(row);
    }

    public synchronized List<ResultRow> rows() {
        return List.copyOf(rows);
    }

    /** The rows that did not pass: an error, or a failed equivalence or manifest check. */
    public synchronized List<ResultRow> failedRows() {
        return rows.stream().filter(r -> r.status().equals(ResultRow.ERROR) || r.status().equals(ResultRow.FAILED)).toList();
    }

    /** Writes the results files if any row was recorded; returns the timestamped file, or null. */
    public synchronized Path writeResults(Path resultsDir) throws IOException {
        if (rows.isEmpty()) {
            return null;
        }
        resultsWritten = true;
        return write(resultsDir, runInfo());
    }

    /**
     * For a run stopped before its end: the rows finished so far, in a results file whose run is marked interrupted
     * with the reason; nothing when the results were already written or no row finished. Returns the file, or null.
     */
    public synchronized Path writeInterruptedResults(Path resultsDir, String why) {
        if (resultsWritten || rows.isEmpty()) {
            return null;
        }
        resultsWritten = true;
        try {
            Path file = write(resultsDir, runInfo().interruptedBy(why));
            System.err.println("[equibench] interrupted: the " + rows.size() + " rows that finished are in " + file);
            return file;
        } catch (IOException | RuntimeException e) {
            System.err.println("[equibench] interrupted, and the finished rows could not be written: " + e.getMessage());
            return null;
        }
    }

    private Path write(Path resultsDir, RunInfo run) throws IOException {
        ResultsFile results = ResultsFile.of(run, List.copyOf(rows));
        Path file = results.write(resultsDir);
        String summary = MarkdownSummary.render(results, Tasks.all(), settings.root());
        writeAtomically(resultsDir.resolve("latest.md"), summary);
        List<ChartImage> charts = TaskCharts.ofRun(results, Tasks.all(), settings.root());
        writeAtomically(resultsDir.resolve("latest.html"), HtmlPage.render(summary, charts));
        ChartFiles.write(resultsDir.resolve("charts"), charts);
        if (run.interrupted() == null) {
            RunVerdict.of(file, rows).write(settings.workDir()); // an interrupted run has none: the main job fails
        }
        return file;
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
