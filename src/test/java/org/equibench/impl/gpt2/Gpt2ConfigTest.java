package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.impl.core.RunnerError;
import org.equibench.task.Gpt2GenerateTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Gpt2ConfigTest {
    private static final Gpt2GenerateTask.Params CI = new Gpt2GenerateTask.Params(2, 20, 2, 2, 64, 50257, 1024, "seeded");

    @TempDir
    Path dir;

    private Path config(String json) throws Exception {
        return Files.writeString(dir.resolve("config.json"), json);
    }

    private static String json(int layers, int heads, int embd, int vocab, int positions) {
        return "{\"model_type\": \"gpt2\", \"n_layer\": " + layers + ", \"n_head\": " + heads + ", \"n_embd\": " + embd
                + ", \"vocab_size\": " + vocab + ", \"n_positions\": " + positions + ", \"n_inner\": null, \"layer_norm_epsilon\": 1e-05}";
    }

    @Test
    void readsTheHuggingFaceFieldNames() throws Exception {
        Gpt2Config c = Gpt2Config.read(config(json(2, 2, 64, 50257, 1024)));
        assertThat(c).isEqualTo(new Gpt2Config(2, 2, 64, 50257, 1024, 1e-5));
        assertThat(c.headSize()).isEqualTo(32);
        c.requireMatches(CI, "config.json");
    }

    @Test
    void aDimensionThatContradictsTheParamsNamesTheFileTheFieldAndTheParam() throws Exception {
        Gpt2Config twelveLayers = Gpt2Config.read(config(json(12, 2, 64, 50257, 1024)));
        assertThatThrownBy(() -> twelveLayers.requireMatches(CI, "config.json")).isInstanceOf(RunnerError.class)
                .hasMessage("config.json: n_layer is 12, but params.layers is 2");
        Gpt2Config shortContext = Gpt2Config.read(config(json(2, 2, 64, 50257, 512)));
        assertThatThrownBy(() -> shortContext.requireMatches(CI, "config.json"))
                .hasMessage("config.json: n_positions is 512, but params.context is 1024");
        Gpt2Config otherVocab = Gpt2Config.read(config(json(2, 2, 64, 50000, 1024)));
        assertThatThrownBy(() -> otherVocab.requireMatches(CI, "config.json"))
                .hasMessage("config.json: vocab_size is 50000, but params.vocab is 50257");
    }

    @Test
    void aMissingOrNonIntegerFieldIsNamed() throws Exception {
        Path noHeads = config("{\"n_layer\": 2, \"n_embd\": 64, \"vocab_size\": 50257, \"n_positions\": 1024}");
        assertThatThrownBy(() -> Gpt2Config.read(noHeads)).isInstanceOf(RunnerError.class)
                .hasMessageStartingWith("config.json: field n_head is missing");
        Path textLayers = config(json(2, 2, 64, 50257, 1024).replace("\"n_layer\": 2", "\"n_layer\": \"2\""));
        assertThatThrownBy(() -> Gpt2Config.read(textLayers)).hasMessageStartingWith("config.json: field n_layer is not an integer");
        Path noEpsilon = config(json(2, 2, 64, 50257, 1024).replace(", \"layer_norm_epsilon\": 1e-05", ""));
        assertThatThrownBy(() -> Gpt2Config.read(noEpsilon)).hasMessageStartingWith("config.json: field layer_norm_epsilon is missing");
        Path fractional = config(json(2, 2, 64, 50257, 1024).replace("\"n_embd\": 64", "\"n_embd\": 64.5"));
        assertThatThrownBy(() -> Gpt2Config.read(fractional)).hasMessageStartingWith("config.json: field n_embd is not an integer");
    }

    @Test
    void aFileThatIsNotJsonIsNamed() throws Exception {
        Path broken = config("{\"n_layer\": ");
        assertThatThrownBy(() -> Gpt2Config.read(broken)).isInstanceOf(RunnerError.class)
                .hasMessageStartingWith("config.json: not valid JSON");
        Path array = config("[1, 2]");
        assertThatThrownBy(() -> Gpt2Config.read(array)).hasMessage("config.json: not a JSON object");
    }

    @Test
    void engineDimensionsThatContradictTheParamsNameTheModelFile() {
        ModelDimensions dims = new ModelDimensions(2, 4, 64, 50257);
        assertThatThrownBy(() -> dims.requireMatches(CI, "model.onnx")).isInstanceOf(RunnerError.class)
                .hasMessage("model.onnx: the model has heads 4, params.heads is 2");
        new ModelDimensions(2, 2, 64, 50257).requireMatches(CI, "model.onnx");
    }
}
