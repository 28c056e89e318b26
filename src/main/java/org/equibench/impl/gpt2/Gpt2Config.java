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

    public int headSize() {
        return dModel / heads;
    }
}
