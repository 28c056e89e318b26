package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.check.CheckOutcome;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.RowRun;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.VectorApiReductions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TEST01 end to end on the Java runner core: a row that times a no-op after its first run and writes the result it
 * kept from that run passes the equivalence gate (its outputs are right) but fails the timed-work check, named.
 */
class TimedWorkCheckTest {
    @TempDir
    Path dir;

    private static final IrisMlpTask TASK = new IrisMlpTask();

    private static RunSpec spec(int threads) {
        return new RunSpec(1, "iris-mlp", "java/pure", "cpu", "f64", threads, 1, 0, 3, List.of("train"), Map.of(), Map.of(),
                List.of("W1"), Map.of("train", List.of("W1")));
    }

    /** Trains (here: fills W1 with 1..4) on every run, or, cheating, only on the first and then times nothing. */
    private RowRun run(RunSpec spec, boolean cheat) throws Exception {
        Path out = dir.resolve(cheat ? "cheat" : "honest");
        JavaRun run = new JavaRun(spec, out);
        double[] live = new double[4];
        double[] kept = new double[4];
        int[] runs = {0};
        run.phase("train", 1, () -> {
            java.util.Arrays.fill(live, 0); // every run starts from the initial weights
            if (cheat && runs[0]++ > 0) {
                return; // the skipped work: the live weights stay at their initial values
            }
            for (int i = 0; i < live.length; i++) {
                live[i] = i + 1;
            }
            System.arraycopy(live, 0, kept, 0, live.length);
        }, () -> Map.of("W1", NdArray.f64(live, 2, 2)));
        run.output("W1", NdArray.f64(kept, 2, 2)); // the right answer, kept from the first run
        RunResult result = run.result();
        return new RowRun(spec, result, null, 0, 1, 1, "", out, List.of(), 0, Map.of(), null);
    }

    @Test
    void aRowThatSkipsItsWorkAfterTheFirstRunFailsNamingThePhaseAndRepetition() throws Exception {
        List<CheckOutcome> honest = TimedWorkCheck.outcomes(TASK, TASK.implementation("java/pure"), List.of(run(spec(1), false)));
        assertThat(honest).singleElement().satisfies(o -> {
            assertThat(o.passed()).isTrue();
            assertThat(o.output()).isEqualTo("train (timed work)");
        });
        List<CheckOutcome> cheat = TimedWorkCheck.outcomes(TASK, TASK.implementation("java/pure"), List.of(run(spec(1), true)));
        assertThat(cheat).singleElement().satisfies(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.problem()).startsWith("phase 'train' repetition 1 of 3 computed outputs hashing to ")
                    .endsWith(": what was timed is not what passed the gate");
        });
    }

    @Test
    void withSeveralThreadsADifferingDigestIsReportedNotFailed() throws Exception {
        List<CheckOutcome> cheat = TimedWorkCheck.outcomes(TASK, TASK.implementation("java/pure"), List.of(run(spec(2), true)));
        assertThat(cheat).singleElement().satisfies(o -> {
            assertThat(o.passed()).isTrue();
            assertThat(o.note()).contains("repetition 1 of 3", "not failed: 2 threads may order reductions differently");
        });
    }

    @Test
    void aRowDeclaringItsRepetitionsMayDifferIsReportedWithItsReasonNotFailed() throws Exception {
        var declared = TASK.implementation("java/pure").withRepetitionsMayDiffer(VectorApiReductions.WHY);
        assertThat(TimedWorkCheck.outcomes(TASK, declared, List.of(run(spec(1), true)))).singleElement().satisfies(o -> {
            assertThat(o.passed()).isTrue();
            assertThat(o.note()).contains("repetition 1 of 3", "not failed: the Vector API's float reductions");
        });
        assertThat(TASK.implementation("java/pure").repetitionsMayDiffer()).isNull();
    }

    @Test
    void aPhaseWithoutItsDigestsFails() throws Exception {
        RowRun honest = run(spec(1), false);
        RunResult r = honest.result();
        RunResult.PhaseSamples p = r.phases().get("train");
        RunResult stripped = new RunResult(r.protocol(), r.task(), r.impl(), r.status(), r.error(), r.runtime(), r.metrics(),
                Map.of("train", new RunResult.PhaseSamples(p.warmup(), p.opsPerSample(), p.samplesNs(), p.rssBeforeBytes(),
                        p.peakRssBytes(), p.hwmReset(), p.allocatedBytes(), p.firstCallNs())), r.outputs(), r.notes(), r.timeline());
        RowRun without = new RowRun(honest.spec(), stripped, null, 0, 1, 1, "", honest.outDir(), List.of(), 0, Map.of(), null);
        assertThat(TimedWorkCheck.outcomes(TASK, TASK.implementation("java/pure"), List.of(without))).singleElement()
                .satisfies(o -> assertThat(o.problem()).isEqualTo("phase 'train' reported no output digests for 3 timed repetitions"));
    }
}
