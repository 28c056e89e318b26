package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.equibench.task.Scale;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static Settings with(String tasks, String impls) {
        return new Settings(Path.of("."), Path.of("target"), Settings.globs(tasks), Settings.globs(impls), Scale.CI, 1, "cpu", false, false, 0);
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

    @Test
    void roundsOverrideEveryTasksPlan() {
        var iris = new org.equibench.task.IrisMlpTask();
        assertThat(with("*", "*").roundsOf(iris)).isEqualTo(iris.plan(Scale.CI).rounds());
        Settings six = new Settings(Path.of("."), Path.of("target"), Settings.globs("*"), Settings.globs("*"), Scale.FULL, 1, "cpu",
                false, false, Settings.roundCount("6"));
        assertThat(six.roundsOf(iris)).isEqualTo(6);
        assertThat(Settings.roundCount("")).isZero();
        assertThatThrownBy(() -> Settings.roundCount("0")).hasMessageContaining("equibench.rounds must be a positive number");
    }

    @Test
    void threadsIsOnePositiveCount() {
        assertThat(Settings.threadCount(" 2 ")).isEqualTo(2);
        assertThatThrownBy(() -> Settings.threadCount("1,2")).hasMessageContaining("one positive thread count");
        assertThatThrownBy(() -> Settings.threadCount("0")).hasMessageContaining("got '0'");
    }

    @Test
    void aRowRunsOnTheRunsDeviceOnlyWhereItCan() {
        org.equibench.task.Implementation cpuOnly = org.equibench.task.Implementation.of("java/x", "x", "f32");
        org.equibench.task.Implementation both = cpuOnly.withDevices("cpu", "cuda");
        Settings cuda = with("*", "*").withDevice(" CUDA ");
        assertThat(cuda.deviceFor(both)).isEqualTo("cuda");
        assertThat(cuda.deviceFor(cpuOnly)).isEqualTo("cpu");
        assertThat(with("*", "*").deviceFor(both)).isEqualTo("cpu");
        assertThatThrownBy(() -> Settings.device("gpu")).hasMessage("equibench.device must be one of [cpu, cuda], got 'gpu'");
    }

    @Test
    void selectorGlobsReadBackAsWritten() {
        assertThat(Settings.globs("java/*,python/num?y").stream().map(Settings::globText)).containsExactly("java/*", "python/num?y");
    }
}
