package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.impl.JavaImplementations;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.protocol.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java rows of gpt2-generate are found by the runner, each on its model file; checks that need no model. */
class Gpt2RowsTest {
    private static final Gpt2Config CI = new Gpt2Config(2, 2, 64, 50257, 1024, 1e-5);

    @TempDir
    Path dir;

    @Test
    void theRunnerFindsEveryRowWithItsModelFile() {
        assertThat(JavaImplementations.all().stream().filter(i -> i.task().equals("gpt2-generate"))
                .map(JavaImplementation::id)).containsExactlyInAnyOrder("java/onnxruntime", "java/djl", "java/jlama");
        assertThat(List.of(new OnnxRuntimeGpt2(), new DjlGpt2(), new JlamaGpt2()))
                .extracting(Gpt2Row::modelRole, Gpt2Row::modelFormat)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("onnx", "onnx"),
                        org.assertj.core.groups.Tuple.tuple("torchscript", "torchscript"),
                        org.assertj.core.groups.Tuple.tuple("weights", "safetensors"));
    }

    @Test
    void jlamaOnThisJava17JvmSaysWhatItsJvmNeeds() {
        RunSpec spec = spec("java/jlama", "f32");
        assertThatThrownBy(() -> new JlamaGpt2().openEngine(dir.resolve("model.safetensors"), spec, CI))
                .isInstanceOf(RunnerError.class)
                .hasMessageContaining("java/jlama runs on a Java 21+ JVM")
                .hasMessageContaining("--add-modules jdk.incubator.vector")
                .hasMessageContaining("target/classes-java21");
    }

    @Test
    void aSpecAskingForAnotherPrecisionFailsBeforeAnyFileIsRead() {
        JavaRun run = new JavaRun(spec("java/djl", "f64"), dir);
        assertThatThrownBy(() -> new DjlGpt2().run(run)).isInstanceOf(RunnerError.class)
                .hasMessage("spec: java/djl runs gpt2-generate in f32 on the cpu; the spec asks for f64 on cpu");
    }

    private static RunSpec spec(String impl, String dtype) {
        return new RunSpec(1, "gpt2-generate", impl, "cpu", dtype, 1, 0, 0, 1, List.of("load", "prefill", "decode"),
                Map.of(), Map.of(), List.of());
    }
}
