package org.equibench.impl.bertqa;

import org.equibench.task.BertQaTask;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equibench.data.Json;
import org.equibench.impl.core.RunnerError;

/**
 * The model in the Hugging Face {@code config.json} ({@code BertConfig} field names), read so that a row whose model
 * files and params disagree fails before computing anything, naming the file and the field; also what an engine that
 * builds the encoder itself (Jlama) needs beside the weights. Public for the Java 21 engine (src/main/java21).
 */
public record BertConfig(int layers, int heads, int hidden, int intermediate, int vocab, int maxPositions,
                         int typeVocab, double layerNormEps, String hiddenAct) {

    static BertConfig read(Path file) throws IOException {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new RunnerError(file.getFileName() + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        String name = file.getFileName().toString();
        if (root == null || !root.isObject()) {
            throw new RunnerError(name + ": not a JSON object");
        }
        JsonNode eps = root.get("layer_norm_eps");
        if (eps == null || !eps.isNumber() || !(eps.doubleValue() > 0)) {
            throw new RunnerError(name + ": field layer_norm_eps is " + (eps == null ? "missing" : "not a positive number: " + eps)
                    + " (a BertConfig needs it)");
        }
        JsonNode act = root.get("hidden_act");
        return new BertConfig(field(root, name, "num_hidden_layers"), field(root, name, "num_attention_heads"),
                field(root, name, "hidden_size"), field(root, name, "intermediate_size"), field(root, name, "vocab_size"),
                field(root, name, "max_position_embeddings"), field(root, name, "type_vocab_size"), eps.doubleValue(),
                act == null || !act.isTextual() ? "gelu" : act.asText());
    }

    private static int field(JsonNode root, String file, String field) {
        JsonNode v = root.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new RunnerError(file + ": field " + field + " is " + (v == null ? "missing" : "not an integer: " + v)
                    + " (a BertConfig needs it)");
        }
        return v.intValue();
    }

    /** Fails naming {@code config.json}, the config field and the param it contradicts. */
    void requireMatches(BertQaTask.Params params, String file) {
        require(file, "num_hidden_layers", layers, "layers", params.layers());
        require(file, "num_attention_heads", heads, "heads", params.heads());
        require(file, "hidden_size", hidden, "hidden", params.hidden());
        require(file, "intermediate_size", intermediate, "intermediate", params.intermediate());
        require(file, "vocab_size", vocab, "vocab", params.vocab());
        require(file, "max_position_embeddings", maxPositions, "max_positions", params.maxPositions());
        if (hidden % heads != 0) {
            throw new RunnerError(file + ": hidden_size " + hidden + " is not a multiple of num_attention_heads " + heads);
        }
        if (params.maxLength() > maxPositions) {
            throw new RunnerError(file + ": max_position_embeddings is " + maxPositions + ", shorter than params.max_length "
                    + params.maxLength());
        }
    }

    private static void require(String file, String field, int value, String param, int expected) {
        if (value != expected) {
            throw new RunnerError(file + ": " + field + " is " + value + ", but params." + param + " is " + expected);
        }
    }

    public int headSize() {
        return hidden / heads;
    }

    /**
     * Every tensor of Hugging Face's {@code BertForQuestionAnswering} with the shape this config implies (linear
     * weights [out, in]; no pooler), names under {@code prefix} ({@code "bert."}) except {@code qa_outputs}.
     */
    public Map<String, int[]> tensorShapes(String prefix) {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        String e = prefix + "embeddings.";
        shapes.put(e + "word_embeddings.weight", new int[] {vocab, hidden});
        shapes.put(e + "position_embeddings.weight", new int[] {maxPositions, hidden});
        shapes.put(e + "token_type_embeddings.weight", new int[] {typeVocab, hidden});
        shapes.put(e + "LayerNorm.weight", new int[] {hidden});
        shapes.put(e + "LayerNorm.bias", new int[] {hidden});
        for (int l = 0; l < layers; l++) {
            String b = prefix + "encoder.layer." + l + ".";
            for (String p : new String[] {"attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense"}) {
                shapes.put(b + p + ".weight", new int[] {hidden, hidden});
                shapes.put(b + p + ".bias", new int[] {hidden});
            }
            shapes.put(b + "attention.output.LayerNorm.weight", new int[] {hidden});
            shapes.put(b + "attention.output.LayerNorm.bias", new int[] {hidden});
            shapes.put(b + "intermediate.dense.weight", new int[] {intermediate, hidden});
            shapes.put(b + "intermediate.dense.bias", new int[] {intermediate});
            shapes.put(b + "output.dense.weight", new int[] {hidden, intermediate});
            shapes.put(b + "output.dense.bias", new int[] {hidden});
            shapes.put(b + "output.LayerNorm.weight", new int[] {hidden});
            shapes.put(b + "output.LayerNorm.bias", new int[] {hidden});
        }
        shapes.put("qa_outputs.weight", new int[] {2, hidden});
        shapes.put("qa_outputs.bias", new int[] {2});
        return shapes;
    }
}
