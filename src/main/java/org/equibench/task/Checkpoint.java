package org.equibench.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equibench.data.Json;

/**
 * Which weights a model task's rows run: drawn by the harness (the default, {@code dir} null), or a user's Hugging
 * Face folder given with a system property ({@code -Dequibench.gpt2.checkpoint=DIR}), whose config.json then sets
 * the shape at every scale. {@code model} names it in messages ("GPT-2", "BERT").
 */
public record Checkpoint(String model, Path dir) {

    public static Checkpoint fromSystemProperty(String property, String model) {
        String dir = System.getProperty(property, "");
        return new Checkpoint(model, dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize());
    }

    /** The harness's own weights. */
    public static Checkpoint seeded(String model) {
        return new Checkpoint(model, null);
    }

    public boolean real() {
        return dir != null;
    }

    /** The files every row needs are there; the maker checks their contents (tensor names and shapes). */
    public void requireFiles(List<String> files) {
        for (String file : files) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalArgumentException(model + " checkpoint " + dir + ": " + file + " is missing");
            }
        }
    }

    /** An integer of the checkpoint's config.json, with an error naming the file and the field. */
    public int configInt(String field) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException(model + " checkpoint " + dir + ": config.json is missing");
        }
        try {
            JsonNode value = Json.MAPPER.readTree(config.toFile()).get(field);
            if (value == null || !value.isInt()) {
                throw new IllegalArgumentException(config + ": field " + field + " is missing or not an integer");
            }
            return value.intValue();
        } catch (IOException e) {
            throw new UncheckedIOException(config + ": " + e.getMessage(), e);
        }
    }
}
