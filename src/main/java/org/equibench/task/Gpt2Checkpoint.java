package org.equibench.task;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.data.Json;

/**
 * Which GPT-2 weights the rows run: drawn by the harness (seeded, the default), or a user's Hugging Face GPT-2
 * folder given with {@code -Dequibench.gpt2.checkpoint=DIR}, whose config.json then sets the shape at every scale.
 */
public record Gpt2Checkpoint(Path dir) {

    public static Gpt2Checkpoint fromSystemProperty() {
        String dir = System.getProperty("equibench.gpt2.checkpoint", "");
        return new Gpt2Checkpoint(dir.isBlank() ? null : Path.of(dir).toAbsolutePath().normalize());
    }

    public boolean real() {
        return dir != null;
    }

    /** The files every row needs are there; the maker checks their contents (tensor names and shapes). */
    public void requireFiles() {
        for (String file : java.util.List.of("config.json", "model.safetensors")) {
            if (!Files.isRegularFile(dir.resolve(file))) {
                throw new IllegalArgumentException("GPT-2 checkpoint " + dir + ": " + file + " is missing");
            }
        }
    }

    /** An integer of the checkpoint's config.json, with an error naming the file and the field. */
    public int configInt(String field) {
        Path config = dir.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new IllegalArgumentException("GPT-2 checkpoint " + dir + ": config.json is missing");
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
