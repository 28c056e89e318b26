package org.equibench.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestComparisonTest {
    private static final Map<String, Object> REFERENCE = Map.of("language", "python", "dtype", "f64", "threads.compute", 1,
            "hp.momentum", 0.0, "hp.init", "injected", "input.data.sha256", "abc");

    @Test
    void descriptiveFieldsAreNotComparedAndNumbersCompareByValue() {
        Map<String, Object> row = Map.of("language", "rust", "dtype", "f64", "threads.compute", 1.0,
                "hp.momentum", 0, "hp.init", "injected", "input.data.sha256", "abc");
        assertThat(ManifestComparison.compare(REFERENCE, row, Map.of())).isEmpty();
    }

    @Test
    void undeclaredAndMissingFieldsAreDifferencesDeclaredOnesCarryTheirReason() {
        Map<String, Object> row = Map.of("language", "python", "dtype", "f64", "threads.compute", 2,
                "hp.momentum", 0.9, "hp.init", "injected");
        List<ManifestComparison.Difference> d = ManifestComparison.compare(REFERENCE, row,
                Map.of("hp.momentum", "the seed kept scikit-learn's default"));
        assertThat(d).extracting(ManifestComparison.Difference::field)
                .containsExactly("hp.momentum", "input.data.sha256", "threads.compute");
        assertThat(d.get(0).declared()).isTrue();
        assertThat(d.get(0).reference()).isEqualTo("0");
        assertThat(d.get(0).actual()).isEqualTo("0.9");
        assertThat(d.get(1).actual()).isEqualTo(ManifestComparison.MISSING);
        assertThat(d.get(1).declared()).isFalse();
        assertThat(d.get(2).declared()).isFalse();
    }

    @Test
    void aRowWithoutAnyManifestDiffersInEveryComparedField() {
        assertThat(ManifestComparison.compare(REFERENCE, null, Map.of())).hasSize(5)
                .allSatisfy(x -> assertThat(x.actual()).isEqualTo("missing"));
    }
}
