package org.equibench.impl.gpt2;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.equibench.data.Json;
import org.equibench.impl.core.RunnerError;
import org.equibench.task.Gpt2GenerateTask;

/**
 * The model dimensions in the Hugging Face {@code config.json} ({@code GPT2Config} field names), read so that a row
 * whose model files and params disagree fails before computing anything, naming the file and the field; also what
 * an engine that builds the model itself (Jlama) needs beside the weights. Public for the Java 21 engines
 * (src/main/java21), which live outside this package.
 */
public record Gpt2Config(int layers, int heads, int dModel, int vocab, int context, double layerNormEpsilon) {

    static Gpt2Config read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunnerError(file.getFileName() + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (root == null || !root.isObject()) {
            throw new RunnerError(file.getFileName() + ": not a JSON object");
        }
        String name = file.getFileName().toString();
        return new Gpt2Config(field(root, name, "n_layer"), field(root, name, "n_head"), field(root, name, "n_embd"),
                field(root, name, "vocab_size"), field(root, name, "n_positions"), epsilon(root, name));
    }

    private static double epsilon(JsonNode root, String file) {
        JsonNode v = root.get("layer_norm_epsilon");
        if (v == null || !v.isNumber() || !(v.doubleValue() > 0)) {
            throw new RunnerError(file + ": field layer_norm_epsilon is " + (v == null ? "missing" : "not a positive number: " + v)
                    + " (a GPT2Config needs it)");
        }
        return v.doubleValue();
    }

    private static int field(JsonNode root, String file, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new RunnerError(file + ": field " + field + " is " + (v == null ? "missing" : "not an integer: " + v)
                    + " (a GPT2Config needs it)");
        }
        return v.intValue();
    }

    /** Fails naming {@code config.json}, the config field and the param it contradicts. */
    void requireMatches(Gpt2GenerateTask.Params params, String file) {
        require(file, "n_layer", layers, "layers", params.layers());
        require(file, "n_head", heads, "heads", params.heads());
        require(file, "n_embd", dModel, "d_model", params.dModel());
        require(file, "vocab_size", vocab, "vocab", params.vocab());
        require(file, "n_positions", context, "context", params.context());
        if (dModel % heads != 0) {
            throw new RunnerError(file + ": n_embd " + dModel + " is not a multiple of n_head " + heads);
        }
    }

    private static void require(String file, String field, int value, String param, int expected) {
        if (value != expected) {
            throw new RunnerError(file + ": " + field + " is " + value + ", but params." + param + " is " + expected);
        }
    }

    /**
     * Every tensor of the original GPT-2 layout with the shape this config implies (Conv1D weights [in, out], as
     * GPT-2 stores them), in layout order; for engines that read the safetensors file themselves.
     */
    public java.util.Map<String, int[]> tensorShapes() {
        int d = dModel;
        java.util.Map<String, int[]> shapes = new java.util.LinkedHashMap<>();
        shapes.put("wte.weight", new int[] {vocab, d});
        shapes.put("wpe.weight", new int[] {context, d});
        for (int l = 0; l < layers; l++) {
            String h = "h." + l + ".";
            shapes.put(h + "ln_1.weight", new int[] {d});
            shapes.put(h + "ln_1.bias", new int[] {d});
            shapes.put(h + "attn.c_attn.weight", new int[] {d, 3 * d});
            shapes.put(h + "attn.c_attn.bias", new int[] {3 * d});
            shapes.put(h + "attn.c_proj.weight", new int[] {d, d});
            shapes.put(h + "attn.c_proj.bias", new int[] {d});
            shapes.put(h + "ln_2.weight", new int[] {d});
            shapes.put(h + "ln_2.bias", new int[] {d});
            shapes.put(h + "mlp.c_fc.weight", new int[] {d, 4 * d});
            shapes.put(h + "mlp.c_fc.bias", new int[] {4 * d});
            shapes.put(h + "mlp.c_proj.weight", new int[] {4 * d, d});
            shapes.put(h + "mlp.c_proj.bias", new int[] {d});
        }
        shapes.put("ln_f.weight", new int[] {d});
        shapes.put("ln_f.bias", new int[] {d});
        return shapes;
    }

    public int headSize() {
        return dModel / heads;
    }
}
