package org.equibench.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.Settings;
import org.equibench.bench.TaskMatrix;
import org.equibench.data.InputFiles;
import org.equibench.data.Json;
import org.equibench.data.Npy;
import org.equibench.task.BertQaTask;
import org.equibench.task.Checkpoint;
import org.equibench.task.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bert-qa's bad inputs, through the real runners at CI scale: a malformed SQuAD file or a vocabulary of another
 * model is an error naming the file and the item; a question longer than the model's limit and an empty context
 * are documented results (the question is cut to max_query_length tokens; an empty context has no answer).
 */
class BertQaBadInputTest {
    @TempDir
    Path dir;

    private BadInputRow row(String impl) throws IOException {
        return BadInputRow.of(new BertQaTask(Checkpoint.seeded("BERT")), impl, dir.resolve("work"));
    }

    /** A question without its "question" field, read by every language's SQuAD reader. */
    @ParameterizedTest
    @ValueSource(strings = {"python/onnxruntime", "java/onnxruntime", "java/jlama", "rust/ort", "rust/tch"})
    void malformedSquadNamesTheItem(String impl) throws IOException {
        BadInputRow row = row(impl);
        Path squad = writeSquad("broken-squad.json", List.of(Map.of("id", "q1", "answers", List.of())), "A context.");
        assertThat(row.errorWith(dir.resolve("row"), Map.of("squad", InputFiles.describe(squad, "json"))))
                .contains("broken-squad.json", "data[0].paragraphs[0].qas[0]", "question");
    }

    /** A tokenizer.json of another vocabulary (124 tokens) where the model's 30,522-token one belongs. */
    @ParameterizedTest
    @ValueSource(strings = {"python/transformers", "java/djl", "rust/candle"})
    void vocabularyOfAnotherModel(String impl) throws IOException {
        BadInputRow row = row(impl);
        Path other = dir.resolve("other-tokenizer.json");
        Files.copy(Path.of("src/test/resources/bertqa/tokenizer.json"), other);
        assertThat(row.errorWith(dir.resolve("row"), Map.of("tokenizer", InputFiles.describe(other, "json"))))
                .contains("other-tokenizer.json", "124", "30522");
    }

    /**
     * A 100-word question is cut to max_query_length (64) tokens, not refused; an empty context gives one window with
     * no context token and no answer (−1s). Checked in a row of each language.
     */
    @ParameterizedTest
    @ValueSource(strings = {"python/transformers", "java/onnxruntime", "rust/ort"})
    void longQuestionIsCutAndEmptyContextHasNoAnswer(String impl) throws IOException {
        BadInputRow row = row(impl);
        String longQuestion = "why " + "is the old bridge of the town so very long ".repeat(11).trim() + "?";
        List<Object> articles = new ArrayList<>();
        articles.add(article(List.of(qa("long", longQuestion)), "The bridge of Eldham was built by Anna Keller."));
        articles.add(article(List.of(qa("empty", "Who built the bridge?")), ""));
        for (int i = 0; i < 6; i++) {
            articles.add(article(List.of(qa("q" + i, "Where was Anna born?")), "Anna Keller was born in Kraków."));
        }
        Path squad = dir.resolve("edge-squad.json");
        Json.writeAtomically(squad, Map.of("version", "v2.0", "data", articles));
        RowRun run = row.runWith(dir.resolve("row"), Map.of("squad", InputFiles.describe(squad, "json")));
        assertThat(run.ok()).as("%s: %s", impl, run.error()).isTrue();
        double[] lengths = Npy.read(run.output("feature_lengths")).values();
        double[] answers = Npy.read(run.output("answer_tokens")).values();
        // [CLS] + 64 of the question's 112 tokens + [SEP] + 11 context tokens ("… el ##dham …") + [SEP]
        assertThat(lengths[0]).isEqualTo(64 + 2 + 11 + 1);
        // the empty context: [CLS] + 5 question tokens + [SEP] + [SEP], and no answer
        assertThat(lengths[1]).isEqualTo(5 + 3);
        assertThat(new double[] {answers[3], answers[4], answers[5]}).containsOnly(-1.0);
        assertThat(answers[0]).isEqualTo(0.0);
    }

    /** A user's checkpoint folder without its vocabulary: every bert-qa row is an error naming the file. */
    @Test
    void checkpointMissingItsVocabularyEndsTheTasksRows() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("my-bert"));
        Files.writeString(checkpoint.resolve("config.json"), "{\"num_hidden_layers\": 2, \"num_attention_heads\": 2, "
                + "\"hidden_size\": 64, \"intermediate_size\": 256, \"vocab_size\": 30522, "
                + "\"max_position_embeddings\": 512}");
        Files.writeString(checkpoint.resolve("model.safetensors"), "not read: the vocabulary is missing first");
        BenchmarkSession session = new BenchmarkSession(Settings.fromSystemProperties().withScale(Scale.CI)
                .withWorkDir(dir.resolve("work")).withImpls("python/onnxruntime,java/onnxruntime,rust/ort"));
        TaskMatrix matrix = new TaskMatrix(new BertQaTask(new Checkpoint("BERT", checkpoint)), session);
        matrix.runAll();
        assertThat(matrix.selectedImplementations()).isNotEmpty().allSatisfy(impl -> {
            RowRun run = matrix.run(impl).orElseThrow();
            assertThat(run.ok()).isFalse();
            assertThat(run.error()).contains("the task's inputs could not be prepared")
                    .contains("BERT checkpoint " + checkpoint + ": vocab.txt is missing");
        });
    }

    private Path writeSquad(String name, List<Map<String, Object>> qas, String context) throws IOException {
        Path squad = dir.resolve(name);
        List<Object> articles = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            articles.add(article(new ArrayList<>(qas), context));
        }
        Json.writeAtomically(squad, Map.of("version", "v2.0", "data", articles));
        return squad;
    }

    private static Map<String, Object> qa(String id, String question) {
        return Map.of("id", id, "question", question, "answers", List.of());
    }

    private static Map<String, Object> article(List<?> qas, String context) {
        return Map.of("title", "t", "paragraphs", List.of(Map.of("context", context, "qas", qas)));
    }
}
