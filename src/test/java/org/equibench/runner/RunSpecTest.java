package org.equibench.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunSpecTest {
    private static RunSpec spec(String impl, String path, String sha, int reps, double lr) {
        return new RunSpec(1, "t", impl, "cpu", "f64", 1, 1, 0, reps, List.of("train"),
                Map.of("data", new RunSpec.InputFile(path, sha, "csv")), Map.of("lr", lr), List.of("w"));
    }

    @Test
    void fingerprintIsTheWorkNotTheRun() {
        String base = spec("a/x", "/p/data.csv", "abc", 3, 0.1).fingerprint();
        assertThat(spec("b/y", "/elsewhere/data.csv", "abc", 30, 0.1).fingerprint()).isEqualTo(base);
        assertThat(spec("a/x", "/p/data.csv", "abd", 3, 0.1).fingerprint()).isNotEqualTo(base);
        assertThat(spec("a/x", "/p/data.csv", "abc", 3, 0.2).fingerprint()).isNotEqualTo(base);
    }
}
