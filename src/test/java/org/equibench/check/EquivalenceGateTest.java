package org.equibench.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.check.OutputCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EquivalenceGateTest {
    @TempDir
    Path dir;

    private final NdArray ref = NdArray.f64(new double[] {1.0, -2.0, 3.0}, 3);

    @Test
    void arrayAssertionsMeasureAndFail() {
        NdArray close = NdArray.f64(new double[] {1.0 + 1e-12, -2.0, 3.0}, 3);
        NdArrayAssert.assertThat(close).hasMaxAbsDiffAtMost(ref, 1e-11).hasMaxRelDiffAtMost(ref, 1e-11);
        assertThatThrownBy(() -> NdArrayAssert.assertThat(close).hasMaxAbsDiffAtMost(ref, 1e-13))
                .isInstanceOf(AssertionError.class).hasMessageContaining("exceeds tolerance 1.0E-13");
        NdArray nan = NdArray.f64(new double[] {Double.NaN, -2.0, 3.0}, 3);
        assertThatThrownBy(() -> NdArrayAssert.assertThat(nan).hasMaxAbsDiffAtMost(ref, 1.0)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> NdArrayAssert.assertThat(NdArray.f64(new double[] {1, 2}, 2)).hasMaxAbsDiffAtMost(ref, 1))
                .hasMessageContaining("expected shape [3] but was [2]");
        assertThatThrownBy(() -> NdArrayAssert.assertThat(NdArray.labels(new long[] {0, 1, 2}))
                .hasSameLabelsAs(NdArray.labels(new long[] {0, 2, 2}))).hasMessageContaining("1 of 3 labels differ");
    }

    @Test
    void relativeDifferenceAndAgreement() {
        assertThat(ArrayComparison.maxRelDiff(NdArray.f64(new double[] {1.1, -2, 3}, 3), ref)).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ArrayComparison.labelAgreement(NdArray.labels(new long[] {0, 1, 2, 3}), NdArray.labels(new long[] {0, 1, 2, 0})))
                .isEqualTo(0.75);
    }

    @Test
    void gateReportsEveryCheckAndNeverSkipsAMissingOutput() throws IOException {
        Path a = dir.resolve("a.npy");
        Path r = dir.resolve("r.npy");
        Npy.write(a, NdArray.f64(new double[] {1.0, -2.0, 3.5}, 3));
        Npy.write(r, ref);
        var actual = new EquivalenceGate.Outputs("impl", Map.of("w", a), Map.of("acc", 0.9));
        var reference = new EquivalenceGate.Outputs("ref", Map.of("w", r, "v", r), Map.of("acc", 0.95));
        List<CheckOutcome> outcomes = EquivalenceGate.evaluate(List.of(
                OutputCheck.maxAbs("w", 1.0, "loose"),
                OutputCheck.maxAbs("w", 0.1, "tight"),
                OutputCheck.maxAbs("v", 1.0, "missing in actual"),
                new OutputCheck("acc", OutputCheck.Metric.METRIC_ABS_DIFF, 0.1, "accuracy")), actual, reference);
        assertThat(outcomes).extracting(CheckOutcome::passed).containsExactly(true, false, false, true);
        assertThat(outcomes.get(1).value()).isEqualTo(0.5);
        assertThat(outcomes.get(2).problem()).isEqualTo("impl did not write output 'v'");
        assertThatThrownBy(() -> EquivalenceAssert.assertThat(outcomes).allPassed())
                .hasMessageContaining("2 of 4 equivalence checks failed").hasMessageContaining("tolerance reason: tight");
        EquivalenceAssert.assertThat(List.of(outcomes.get(0))).allPassed();
        assertThatThrownBy(() -> EquivalenceAssert.assertThat(List.of()).allPassed()).hasMessageContaining("no equivalence checks");
    }

    @Test
    void anOutputOfTheWrongShapeFailsItsCheck() throws IOException {
        Path a = dir.resolve("a.npy");
        Path r = dir.resolve("r.npy");
        Npy.write(a, NdArray.f64(new double[] {1.0, -2.0, 3.5}, 3, 1));
        Npy.write(r, NdArray.f64(new double[] {1.0, -2.0, 3.5}, 3));
        CheckOutcome o = EquivalenceGate.evaluate(List.of(OutputCheck.maxAbs("w", 1.0, "any")),
                new EquivalenceGate.Outputs("impl", Map.of("w", a), Map.of()), new EquivalenceGate.Outputs("ref", Map.of("w", r), Map.of()))
                .get(0);
        assertThat(o.passed()).isFalse();
        assertThat(o.problem()).isEqualTo("shape [3, 1] differs from the reference's [3]");
    }

    @Test
    void aKmeansResultIsJudgedOnItsDataAndComparedWithTheReferenceInANote() throws IOException {
        Path data = write("data.npy", NdArray.f64(new double[] {0, 2, 10, 12}, 4, 1));
        Path fixed = write("fixed.npy", NdArray.f64(new double[] {1, 11}, 2, 1));
        Path stale = write("stale.npy", NdArray.f64(new double[] {1, 10}, 2, 1));
        Path labels = write("labels.npy", NdArray.labels(new int[] {0, 0, 1, 1}));
        Path refLabels = write("ref_labels.npy", NdArray.labels(new int[] {1, 1, 0, 0}));
        var reference = new EquivalenceGate.Outputs("ref", Map.of("centroids", fixed, "labels", refLabels), Map.of("inertia", 4.0));
        List<OutputCheck> checks = OutputCheck.lloydFixedPoint("centroids", "labels", 1e-9, "fixed point");

        List<CheckOutcome> right = EquivalenceGate.evaluate(checks, new EquivalenceGate.Outputs("impl",
                Map.of("centroids", fixed, "labels", labels), Map.of("inertia", 4.0), Map.of("data", data)), reference);
        assertThat(right).extracting(CheckOutcome::passed).containsExactly(true, true);
        assertThat(right.get(0).note()).isEqualTo("inertia 1.000000× the reference's, adjusted Rand index 1.0000 against its labels");

        List<CheckOutcome> wrong = EquivalenceGate.evaluate(checks, new EquivalenceGate.Outputs("impl",
                Map.of("centroids", stale, "labels", labels), Map.of("inertia", 6.0), Map.of("data", data)), reference);
        assertThat(wrong).extracting(CheckOutcome::passed).containsExactly(true, false);
        assertThat(wrong.get(1).value()).isEqualTo(1.0 / 12);

        CheckOutcome noData = EquivalenceGate.evaluate(checks, new EquivalenceGate.Outputs("impl",
                Map.of("centroids", fixed, "labels", labels), Map.of()), reference).get(0);
        assertThat(noData.passed()).isFalse();
        assertThat(noData.problem()).isEqualTo("impl has no 'data' input to check its fixed point on");
    }

    private Path write(String name, NdArray array) throws IOException {
        Path file = dir.resolve(name);
        Npy.write(file, array);
        return file;
    }
}
