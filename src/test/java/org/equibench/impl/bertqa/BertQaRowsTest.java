package org.equibench.impl.bertqa;

import org.equibench.task.BertQaTask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import java.nio.file.Files;
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

/** The Java rows of bert-qa are found by the runner, each on its model file; checks that need no model. */
class BertQaRowsTest {
    private static final BertConfig CI = new BertConfig(2, 2, 64, 256, 30522, 512, 2, 1e-12, "gelu");
    private static final BertQaTask.Params PARAMS = new BertQaTask.Params(8, 384, 128, 64, 30, 2, 2, 64, 256, 30522, 512, "seeded");

    @TempDir
    Path dir;

    @Test
    void theRunnerFindsEveryRowWithItsModelFile() {
        assertThat(JavaImplementations.all().stream().filter(i -> i.task().equals("bert-qa")).map(JavaImplementation::id))
                .containsExactlyInAnyOrder("java/onnxruntime", "java/djl", "java/djl-onnxruntime", "java/jlama");
        assertThat(List.of(new OnnxRuntimeBertQa(), new DjlBertQa(), new DjlOnnxRuntimeBertQa(), new JlamaBertQa()))
                .extracting(BertQaRow::modelRole, BertQaRow::modelFormat)
                .containsExactly(tuple("onnx", "onnx"), tuple("torchscript", "torchscript"), tuple("onnx", "onnx"),
                        tuple("weights", "safetensors"));
    }

    @Test
    void jlamaOnThisJava17JvmSaysWhatItsJvmNeeds() {
        assertThatThrownBy(() -> new JlamaBertQa().openEngine(dir.resolve("model.safetensors"), spec("java/jlama", "f32"), CI))
                .isInstanceOf(RunnerError.class)
                .hasMessageContaining("java/jlama runs on a Java 21+ JVM")
                .hasMessageContaining("target/classes-java21");
    }

    @Test
    void aSpecAskingForAnotherPrecisionFailsBeforeAnyFileIsRead() {
        JavaRun run = new JavaRun(spec("java/djl", "f64"), dir);
        assertThatThrownBy(() -> new DjlBertQa().run(run)).isInstanceOf(RunnerError.class)
                .hasMessage("spec: java/djl runs bert-qa in f32 on the cpu; the spec asks for f64 on cpu");
    }

    @Test
    void aConfigThatDisagreesWithTheParamsNamesTheField() throws Exception {
        Path config = Files.writeString(dir.resolve("config.json"), """
                {"num_hidden_layers": 2, "num_attention_heads": 2, "hidden_size": 64, "intermediate_size": 512,
                 "vocab_size": 30522, "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
                 "hidden_act": "gelu"}""");
        BertConfig read = BertConfig.read(config);
        assertThat(read.layerNormEps()).isEqualTo(1e-12);
        assertThatThrownBy(() -> read.requireMatches(PARAMS, "config.json")).isInstanceOf(RunnerError.class)
                .hasMessage("config.json: intermediate_size is 512, but params.intermediate is 256");
        Path noEps = Files.writeString(dir.resolve("config.json"), "{\"num_hidden_layers\": 2}");
        assertThatThrownBy(() -> BertConfig.read(noEps)).isInstanceOf(RunnerError.class)
                .hasMessage("config.json: field layer_norm_eps is missing (a BertConfig needs it)");
    }

    @Test
    void modelDimensionsThatDisagreeWithConfigJsonNameTheModelFile() {
        BertDimensions dims = new BertDimensions(3, 2, 64, 30000, "test");
        assertThatThrownBy(() -> dims.requireMatches(CI, "model.pt")).isInstanceOf(RunnerError.class)
                .hasMessage("model.pt: the model has layers 3, config.json's num_hidden_layers is 2; "
                        + "the model has vocab 30000, config.json's vocab_size is 30522");
    }

    private static RunSpec spec(String impl, String dtype) {
        return new RunSpec(1, "bert-qa", impl, "cpu", dtype, 1, 0, 0, 1, List.of("load", "answer"), Map.of(), Map.of(), List.of());
    }
}
