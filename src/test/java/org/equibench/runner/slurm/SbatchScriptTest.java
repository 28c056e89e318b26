package org.equibench.runner.slurm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junitpioneer.jupiter.ClearSystemProperty;
import org.junitpioneer.jupiter.SetSystemProperty;

/** The array's batch script and the sbatch options the settings make. */
class SbatchScriptTest {
    private static ArrayJob.Process process(String impl, long timeoutSeconds) {
        return new ArrayJob.Process("iris-mlp", impl, 1, null, Path.of("/shared/run/rows").resolve(impl.replace('/', '_')),
                List.of("runner", "--spec", "spec.json"), Map.of("OMP_NUM_THREADS", "1"), Path.of("/shared/run"), timeoutSeconds);
    }

    @Test
    void oneArrayTaskPerProcessWithTheThreadsAsCpusAndATimeLimitAboveTheLongestTimeout() {
        ArrayJob job = new ArrayJob(List.of(process("java/pure", 300), process("rust/pure", 1800), process("python/numpy", 60)));
        SlurmOptions options = new SlurmOptions("gpu", "ml-team", "short", "epyc", "gpu:h100:1", "16G", List.of("--exclusive"), 2);
        String script = SbatchScript.render(job, Path.of("/shared/run/slurm/1"), 2, options, Path.of("/opt/jdk/bin/java"), "a.jar:b.jar");

        assertThat(script).startsWith("#!/bin/bash\n").contains(
                "#SBATCH --array=0-2\n",
                "#SBATCH --cpus-per-task=2\n",
                "#SBATCH --time=32\n", // (1800 s + 120 s) / 60 minutes: the row's own timeout fires first
                "#SBATCH --output=/shared/run/slurm/1/logs/%a.log\n",
                "#SBATCH --partition=gpu\n", "#SBATCH --account=ml-team\n", "#SBATCH --qos=short\n",
                "#SBATCH --constraint=epyc\n", "#SBATCH --gres=gpu:h100:1\n", "#SBATCH --mem=16G\n", "#SBATCH --exclusive\n",
                "exec '/opt/jdk/bin/java' -Xmx96m -cp 'a.jar:b.jar' org.equibench.runner.slurm.SlurmRowMain '/shared/run/slurm/1/jobs.json'\n");
    }

    @Test
    void optionsLeftOutUseTheClustersDefaults() {
        assertThat(SlurmOptions.defaults().sbatchOptions()).containsExactly("--mem=8G");
        assertThat(SbatchScript.timeLimitMinutes(1)).isEqualTo(3);
    }

    @Test
    @ClearSystemProperty(key = "equibench.executor")
    void aLocalRunHasNoSlurmOptions() {
        assertThat(SlurmOptions.fromSystemProperties()).isEmpty();
    }

    @Test
    @SetSystemProperty(key = "equibench.executor", value = "slurm")
    @SetSystemProperty(key = "equibench.slurm.partition", value = "cpu")
    @SetSystemProperty(key = "equibench.slurm.sbatch-args", value = "--exclusive --nice=10")
    void theSlurmExecutorReadsItsOptions() {
        assertThat(SlurmOptions.fromSystemProperties().orElseThrow().sbatchOptions())
                .containsExactly("--partition=cpu", "--mem=8G", "--exclusive", "--nice=10");
    }

    @Test
    @SetSystemProperty(key = "equibench.executor", value = "nextflow")
    void anUnknownExecutorIsRefused() {
        assertThatThrownBy(SlurmOptions::fromSystemProperties).hasMessageContaining("equibench.executor must be local or slurm");
    }

    @Test
    void scontrolFieldsAreReadByName() {
        String line = "JobId=7 ArrayJobId=5 ArrayTaskId=2 JobState=FAILED Reason=JobLaunchFailure Dependency=(null) ExitCode=0:9";
        assertThat(SlurmClient.field(line, "JobState")).isEqualTo("FAILED");
        assertThat(SlurmClient.field(line, "ExitCode")).isEqualTo("0:9");
        assertThat(SlurmClient.field(line, "NodeList")).isNull();
    }

    @Test
    void jobsJsonRoundTrips(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        ArrayJob job = new ArrayJob(List.of(process("java/pure", 300)));
        job.write(dir.resolve(ArrayJob.FILE));
        ArrayJob back = ArrayJob.read(dir.resolve(ArrayJob.FILE));
        assertThat(back).isEqualTo(job);
        assertThat(back.processes().get(0).rowRunFile()).isEqualTo(Path.of("/shared/run/rows/java_pure/row-run.json"));
    }
}
