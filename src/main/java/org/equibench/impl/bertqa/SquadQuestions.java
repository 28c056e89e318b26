package org.equibench.impl.bertqa;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equibench.data.Json;
import org.equibench.impl.core.RunnerError;

/**
 * The first {@code question_count} questions of a SQuAD 2.0 JSON file, in document order (data → paragraphs → qas).
 * Answers are not read. Every error names the file and the JSON path of the item, e.g.
 * {@code squad.json: data[0].paragraphs[2].qas[1]: field "question" is missing}.
 */
final class SquadQuestions {
    private SquadQuestions() {
    }

    /** One question with its paragraph's context; {@code path} is its JSON path, for messages. */
    record Question(String id, String question, String context, String path) {
    }

    static List<Question> read(Path file, int count) throws IOException {
        String name = file.getFileName().toString();
        if (!Files.isRegularFile(file)) {
            throw new RunnerError(name + ": file not found (" + file + ")");
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new RunnerError(name + ": not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"), e);
        }
        return of(root, name, count);
    }

    static List<Question> of(JsonNode root, String name, int count) {
        if (root == null || !root.isObject()) {
            throw new RunnerError(name + ": the top level is not a JSON object");
        }
        List<Question> questions = new ArrayList<>(count);
        JsonNode data = array(root, "data", "", name);
        for (int d = 0; d < data.size() && questions.size() < count; d++) {
            String dPath = "data[" + d + "]";
            JsonNode article = object(data.get(d), dPath, name);
            JsonNode paragraphs = array(article, "paragraphs", dPath, name);
            for (int p = 0; p < paragraphs.size() && questions.size() < count; p++) {
                String pPath = dPath + ".paragraphs[" + p + "]";
                JsonNode paragraph = object(paragraphs.get(p), pPath, name);
                String context = text(paragraph, "context", pPath, name);
                JsonNode qas = array(paragraph, "qas", pPath, name);
                for (int q = 0; q < qas.size() && questions.size() < count; q++) {
                    String qPath = pPath + ".qas[" + q + "]";
                    JsonNode qa = object(qas.get(q), qPath, name);
                    questions.add(new Question(text(qa, "id", qPath, name), text(qa, "question", qPath, name), context, qPath));
                }
            }
        }
        if (questions.size() < count) {
            throw new RunnerError(name + ": " + questions.size() + " questions, but params.question_count is " + count);
        }
        return questions;
    }

    private static JsonNode object(JsonNode node, String path, String file) {
        if (!node.isObject()) {
            throw new RunnerError(file + ": " + path + ": not a JSON object but " + kind(node));
        }
        return node;
    }

    private static JsonNode array(JsonNode parent, String field, String path, String file) {
        JsonNode v = parent.get(field);
        String where = path.isEmpty() ? "" : path + ": ";
        if (v == null) {
            throw new RunnerError(file + ": " + where + "field \"" + field + "\" is missing");
        }
        if (!v.isArray()) {
            throw new RunnerError(file + ": " + where + "field \"" + field + "\" is not an array but " + kind(v));
        }
        return v;
    }

    private static String text(JsonNode parent, String field, String path, String file) {
        JsonNode v = parent.get(field);
        if (v == null) {
            throw new RunnerError(file + ": " + path + ": field \"" + field + "\" is missing");
        }
        if (!v.isTextual()) {
            throw new RunnerError(file + ": " + path + ": field \"" + field + "\" is not a string but " + kind(v));
        }
        return v.asText();
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> "a " + v.getNodeType().name().toLowerCase();
        };
    }
}
