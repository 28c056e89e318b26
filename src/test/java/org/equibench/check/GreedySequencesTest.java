package org.equibench.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Greedy ids: identical passes, a divergence at a near-tie passes with a note, any other divergence fails. */
class GreedySequencesTest {
    private static final double NEAR_TIE = 1e-3;

    @TempDir
    Path dir;

    // two prompts × three steps; the reference's top-2 margin is 0.5 everywhere except prompt 1, step 2 (0.0004)
    private final NdArray refIds = ids(5, 6, 7, 8, 9, 10);
    private final NdArray refTop2 = top2(new double[] {0.5, 0.5, 0.5, 0.5, 0.5, 0.0004});

    @Test
    void identicalIdsPassWithoutNote() throws IOException {
        CheckOutcome ids = check(OutputCheck.greedyIds("generated_ids", "step_top2", NEAR_TIE, "why"), refIds, refTop2);
        assertThat(ids.passed()).isTrue();
        assertThat(ids.value()).isZero();
        assertThat(ids.note()).isNull();
    }

    @Test
    void aDivergenceAtANearTieIsDeclaredAndLaterStepsAreNotCompared() throws IOException {
        // prompt 1 picks the runner-up at step 2; its top-2 values there are swapped within round-off
        NdArray rowIds = ids(5, 6, 7, 8, 9, 11);
        double[] values = refTop2.values().clone();
        values[11] += 2e-4;
        CheckOutcome ids = check(OutputCheck.greedyIds("generated_ids", "step_top2", NEAR_TIE, "why"), rowIds,
                new NdArray(refTop2.dtype(), refTop2.shape(), values));
        assertThat(ids.passed()).isTrue();
        assertThat(ids.value()).isCloseTo(0.0004, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ids.note()).startsWith("declared near-tie: ids diverge at prompt 1 step 2 (reference top-2 margin 0.000400)");
    }

    @Test
    void aDivergenceWhereTheReferenceWasSureFails() throws IOException {
        NdArray rowIds = ids(5, 6, 3, 8, 9, 10);
        CheckOutcome ids = check(OutputCheck.greedyIds("generated_ids", "step_top2", NEAR_TIE, "why"), rowIds, refTop2);
        assertThat(ids.passed()).isFalse();
        assertThat(ids.value()).isEqualTo(0.5);
        assertThat(ids.note()).startsWith("ids diverge at prompt 0 step 2");
    }

    @Test
    void logitsAreComparedOnlyWhileTheIdsAgree() throws IOException {
        double[] values = refTop2.values().clone();
        values[0] += 5e-4; // prompt 0, step 0: compared
        NdArray rowIds = ids(5, 9, 9, 8, 9, 10); // prompt 0 diverges at step 1
        values[4] += 1.0; // prompt 0, step 2: after the divergence, not compared
        NdArray rowTop2 = new NdArray(refTop2.dtype(), refTop2.shape(), values);
        assertThat(GreedySequences.maxAbsDiffWhileIdsAgree(rowTop2, refTop2, rowIds, refIds)).isCloseTo(5e-4,
                org.assertj.core.data.Offset.offset(1e-12));
        values[2] += 1.0; // prompt 0, step 1: the divergent step itself is compared
        assertThat(GreedySequences.maxAbsDiffWhileIdsAgree(new NdArray(refTop2.dtype(), refTop2.shape(), values), refTop2, rowIds,
                refIds)).isGreaterThan(0.9);
    }

    private CheckOutcome check(OutputCheck check, NdArray rowIds, NdArray rowTop2) throws IOException {
        var row = outputs("row", rowIds, rowTop2);
        var reference = outputs("ref", refIds, refTop2);
        return EquivalenceGate.evaluate(java.util.List.of(check), row, reference).get(0);
    }

    private EquivalenceGate.Outputs outputs(String label, NdArray ids, NdArray top2) throws IOException {
        Path idsFile = dir.resolve(label + "-ids.npy");
        Path top2File = dir.resolve(label + "-top2.npy");
        Npy.write(idsFile, ids);
        Npy.write(top2File, top2);
        return new EquivalenceGate.Outputs(label, Map.of("generated_ids", idsFile, "step_top2", top2File), Map.of());
    }

    private static NdArray ids(long... ids) {
        return new NdArray(NdArray.labels(ids).dtype(), new int[] {2, 3}, NdArray.labels(ids).values());
    }

    /** Top-1 = 10, top-2 = 10 − margin, per step. */
    private static NdArray top2(double[] margins) {
        double[] values = new double[margins.length * 2];
        for (int i = 0; i < margins.length; i++) {
            values[2 * i] = 10;
            values[2 * i + 1] = 10 - margins[i];
        }
        return NdArray.f64(values, 2, 3, 2);
    }
}
