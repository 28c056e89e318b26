package org.equibench.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunSpec;
import org.junit.jupiter.api.Test;

class SpecFingerprintTest {
    private static RunSpec spec(String impl, String path, String sha, int reps, double lr) {
        return new RunSpec(1, "t", impl, "cpu", "f64", 1, 1, 0, reps, List.of("train"),
                Map.of("data", new InputFile(path, sha, "csv")), Map.of("lr", lr), List.of("w"));
    }

    @Test
    void fingerprintIsTheWorkNotTheRun() {
        String base = SpecFingerprint.of(spec("a/x", "/p/data.csv", "abc", 3, 0.1));
        assertThat(SpecFingerprint.of(spec("b/y", "/elsewhere/data.csv", "abc", 30, 0.1))).isEqualTo(base);
        assertThat(SpecFingerprint.of(spec("a/x", "/p/data.csv", "abd", 3, 0.1))).isNotEqualTo(base);
        assertThat(SpecFingerprint.of(spec("a/x", "/p/data.csv", "abc", 3, 0.2))).isNotEqualTo(base);
    }
}
