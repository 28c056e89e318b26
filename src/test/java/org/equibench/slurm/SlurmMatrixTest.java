package org.equibench.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.IrisWithExtraRows;
import org.equibench.bench.Settings;
import org.equibench.bench.TaskMatrix;
import org.equibench.check.CheckOutcome;
import org.equibench.measure.ProcessHost;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.equibench.runner.ScriptLauncher;
import org.equibench.runner.slurm.SlurmClient;
import org.equibench.runner.slurm.SlurmOptions;
import org.equibench.task.Implementation;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.LinregCaliforniaTask;
import org.equibench.task.Scale;
import org.equibench.task.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The matrix as a Slurm array on a real one-node cluster: the merged results say what a local run says; an array
 * task killed for memory and one cancelled end as error rows naming their Slurm state; the cluster is stopped
 * with nothing left running.
 */
class SlurmMatrixTest {
    @TempDir
    static Path dir;
    private static LocalSlurmCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        Optional<String> why = LocalSlurmCluster.unavailableReason();
        if (why.isPresent()) {
            if (Settings.fromSystemProperties().requireAll()) {
                fail("the Slurm tests cannot run and equibench.require=all: " + why.get());
            }
            Assumptions.abort("no Slurm cluster can be started here: " + why.get());
        }
        cluster = LocalSlurmCluster.start(dir.resolve("cluster"));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster == null) {
            return;
        }
        cluster.close();
        String folder = cluster.dir().toString();
        List<String> left = ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(c -> c.contains(folder) || c.contains("SlurmRowMain")).toList();
        assertThat(left).as("processes of the test cluster left running").isEmpty();
    }

    private static Settings settings(String tasks, String impls, String name) {
        return Settings.fromSystemProperties().withScale(Scale.CI).withTasks(tasks).withImpls(impls).withWorkDir(dir.resolve(name));
    }

    private static BenchmarkSession onCluster(Settings settings, SlurmOptions options) {
        return new BenchmarkSession(settings, options, new SlurmClient(cluster.clientEnvironment()));
    }

    /** Runs the tasks' matrices in the session (as one array when it has a Slurm executor) and judges every row. */
    private static Map<String, ResultRow> judged(BenchmarkSession session, List<Task> tasks) throws Exception {
        List<TaskMatrix> matrices = tasks.stream().map(session::matrix).toList();
        Map<String, ResultRow> rows = new LinkedHashMap<>();
        for (TaskMatrix m : matrices) {
            m.runAll();
            for (Implementation impl : m.selectedImplementations()) {
                ResultRow row = m.judge(impl);
                session.record(row);
                rows.put(m.task().id() + " " + impl.id(), row);
            }
        }
        return rows;
    }

    @Test
    void mergedResultsSayWhatALocalRunSays() throws Exception {
        List<Task> tasks = List.of(new IrisMlpTask(), new LinregCaliforniaTask());
        String selected = "iris-mlp,linreg-california";
        Map<String, ResultRow> local = judged(new BenchmarkSession(settings(selected, "*", "local")), tasks);
        BenchmarkSession slurm = onCluster(settings(selected, "*", "slurm"), SlurmOptions.defaults());
        Map<String, ResultRow> onSlurm = judged(slurm, tasks);

        assertThat(onSlurm.keySet()).containsExactlyElementsOf(local.keySet());
        assertThat(local.values()).extracting(ResultRow::status).contains(ResultRow.PASSED);
        String node = LocalSlurmCluster.run(List.of("hostname", "-s"), Map.of()).strip();
        for (String key : local.keySet()) {
            ResultRow a = local.get(key);
            ResultRow b = onSlurm.get(key);
            assertThat(b.status()).as("%s: status on Slurm (%s)", key, b.reason()).isEqualTo(a.status());
            assertThat(values(b.equivalence())).as("%s: equivalence values on Slurm", key).isEqualTo(values(a.equivalence()));
            if (b.status().equals(ResultRow.PASSED)) {
                assertThat(b.phases()).as("%s: phases", key).containsOnlyKeys(a.phases().keySet());
                assertThat(b.hosts()).as("%s: the node of each process", key).hasSize(2)
                        .extracting(ProcessHost::name).containsOnly(node);
            }
        }
        Path results = slurm.writeResults(dir.resolve("results"));
        assertThat(ResultsFile.read(results).rows()).allSatisfy(r -> assertThat(r.cpuModels()).hasSizeLessThanOrEqualTo(1));
        assertThat(Files.readString(results)).contains("\"hosts\"", "\"cpu_model\"");
        assertThat(dir.resolve("slurm/slurm")).isDirectory();
    }

    /** What the gate computed for a row, check by check (the same inputs must give the same numbers). */
    private static List<String> values(List<CheckOutcome> outcomes) {
        List<String> v = new ArrayList<>();
        outcomes.forEach(o -> v.add(o.output() + " " + o.metric() + " " + o.value() + " " + o.passed()));
        return v;
    }

    @Test
    void anArrayTaskOverItsMemoryEndsAsAnErrorNamingItsState() throws Exception {
        BenchmarkSession session = onCluster(settings("iris-mlp", "python/numpy", "memory"), SlurmOptions.defaults().withMem("40M"));
        ResultRow row = judged(session, List.of(new IrisMlpTask())).get("iris-mlp python/numpy");
        assertThat(row.status()).isEqualTo(ResultRow.ERROR);
        assertThat(row.reason()).contains("iris-mlp python/numpy round 1: Slurm array task", "ended without a result")
                .containsPattern("FAILED|OUT_OF_MEMORY")
                .contains("exceeded memory limit");
        assertThat(row.phases()).isNull();
    }

    @Test
    void aCancelledArrayTaskEndsAsAnErrorNamingItsState() throws Exception {
        Implementation hang = Implementation.of("shell/hang", "script that never ends", "f64");
        Task task = new IrisWithExtraRows(List.of(hang), Duration.ofSeconds(600));
        BenchmarkSession session = onCluster(settings("none", "shell/hang", "cancelled"), SlurmOptions.defaults().withMem("512M"));
        session.launchers().register(new ScriptLauncher(Map.of("shell/hang", "sleep 600")));
        TaskMatrix matrix = session.matrix(task);
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                matrix.runAll();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String job = runningJob();
        LocalSlurmCluster.run(List.of("scancel", job), cluster.clientEnvironment());
        run.get(120, TimeUnit.SECONDS);
        ResultRow row = matrix.judge(hang);
        assertThat(row.status()).isEqualTo(ResultRow.ERROR);
        assertThat(row.reason()).contains("iris-mlp shell/hang round 1: Slurm array task " + job + "_0", "CANCELLED");
    }

    @Test
    void anArraySlurmRefusesMakesEveryRowAnErrorWithSlurmsWords() throws Exception {
        BenchmarkSession session = new BenchmarkSession(settings("iris-mlp", "python/numpy,rust/pure", "refused"), SlurmOptions.defaults(),
                new SlurmClient(Map.of("SLURM_CONF", dir.resolve("no-such/slurm.conf").toString())));
        Map<String, ResultRow> rows = judged(session, List.of(new IrisMlpTask()));
        assertThat(rows.values()).hasSize(2).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(ResultRow.ERROR);
            assertThat(r.reason()).contains("round 1: the Slurm array could not be submitted or followed: sbatch", "failed");
        });
    }

    /** The id of the first array task seen running, once one is. */
    private static String runningJob() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            String out = LocalSlurmCluster.run(List.of("squeue", "-h", "-t", "RUNNING", "-o", "%F"), cluster.clientEnvironment()).strip();
            if (!out.isEmpty()) {
                return out.lines().findFirst().orElseThrow().trim();
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no array task started running within 120 s");
    }
}
