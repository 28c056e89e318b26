package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.equibench.task.Scale;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static Settings with(String tasks, String impls) {
        return new Settings(Path.of("."), Path.of("target"), Settings.globs(tasks), Settings.globs(impls), Scale.CI, List.of(1), false, false);
    }

    @Test
    void selectorsAreCommaSeparatedGlobs() {
        Settings s = with("iris-*", "java/*, rust/pure");
        assertThat(s.selectsTask("iris-mlp")).isTrue();
        assertThat(s.selectsTask("svm-digits")).isFalse();
        assertThat(s.selectsImpl("java/djl")).isTrue();
        assertThat(s.selectsImpl("rust/pure")).isTrue();
        assertThat(s.selectsImpl("rust/linfa")).isFalse();
        assertThat(with("*", "python/num?y").selectsImpl("python/numpy")).isTrue();
        assertThat(with("*", "a.b").selectsImpl("axb")).as("dots are literal").isFalse();
    }

    @Test
    void scaleIsValidated() {
        assertThat(Scale.parse("FULL")).isEqualTo(Scale.FULL);
        assertThatThrownBy(() -> Scale.parse("huge")).hasMessageContaining("ci or full");
    }
}
