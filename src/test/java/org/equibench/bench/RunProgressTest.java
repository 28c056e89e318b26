package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.equibench.task.Gpt2GenerateTask;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.Scale;
import org.junit.jupiter.api.Test;

/** A row not run yet is estimated by its own task's processes, not by those of a faster task. */
class RunProgressTest {
    private static final long S = 1_000_000_000L;

    @Test
    void rowsNotRunYetAreEstimatedByTheirTasksMean() {
        Settings settings = new Settings(Path.of("."), Path.of("target"), Settings.globs("*"),
                Settings.globs("java/pure,python/transformers,java/onnxruntime"), Scale.FULL, 1, "cpu", false, false, 0);
        var gpt2 = new Gpt2GenerateTask();
        RunProgress progress = new RunProgress(List.of(new IrisMlpTask(), gpt2), settings);
        int irisRounds = new IrisMlpTask().plan(Scale.FULL).rounds();
        for (int i = 1; i <= irisRounds; i++) {
            progress.finished("iris-mlp", "java/pure", i, irisRounds, S);
        }
        int rounds = gpt2.plan(Scale.FULL).rounds();
        String line = progress.finished("gpt2-generate", "python/transformers", 1, rounds, 60 * S);
        // left: python/transformers (rounds − 1) and java/onnxruntime (rounds), each at 60 s
        assertThat(progress.estimateLeftNs()).isEqualTo((2L * rounds - 1) * 60 * S);
        assertThat(line).contains("row processes done, about " + RunProgress.human((2L * rounds - 1) * 60 * S) + " left");
    }

    @Test
    void aSlurmArrayIsEstimatedByTheRateAtWhichItsTasksEnd() {
        var p = new org.equibench.runner.slurm.ArrayJob.Process("iris-mlp", "rust/pure", 2, null, Path.of("rows"), List.of("runner"),
                java.util.Map.of(), Path.of("."), 60);
        var run = org.equibench.runner.RowRun.notStarted("killed", Path.of("out"));
        // 4 of 10 tasks ended in 40 s (the cluster ran several at once): 6 more take about 60 s
        assertThat(SlurmMatrixRun.progressLine(p, run, 4, 10, 6, 40 * S))
                .isEqualTo("[equibench] iris-mlp rust/pure round 2: error; 4/10 array tasks done (6 queued or running), about 1 min 0 s left");
    }
}
