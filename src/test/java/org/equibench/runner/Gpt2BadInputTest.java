package org.equibench.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.RowJudge;
import org.equibench.bench.Settings;
import org.equibench.bench.TaskMatrix;
import org.equibench.data.InputFiles;
import org.equibench.data.Json;
import org.equibench.protocol.InputFile;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.equibench.task.Checkpoint;
import org.equibench.task.Gpt2GenerateTask;
import org.equibench.task.Implementation;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.Scale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * gpt2-generate's bad inputs, through the real runners at CI scale: each row names the file and the problem, and
 * a checkpoint the harness cannot use makes the task's rows errors while the rest of the run is still reported.
 */
class Gpt2BadInputTest {
    @TempDir
    Path dir;

    private Settings settings() {
        return Settings.fromSystemProperties().withScale(Scale.CI).withWorkDir(dir.resolve("work"));
    }

    private BadInputRow row(String impl) throws IOException {
        return BadInputRow.of(new Gpt2GenerateTask(Checkpoint.seeded("GPT-2")), impl, dir.resolve("work"));
    }

    /** One row per runner binary: every language reads the prompt file with its own code. */
    @ParameterizedTest
    @ValueSource(strings = {"python/onnxruntime", "java/onnxruntime", "java/jlama", "rust/candle", "rust/tch", "rust/llama-cpp"})
    void emptyPromptFile(String impl) throws IOException {
        BadInputRow row = row(impl);
        Path empty = Files.writeString(dir.resolve("empty-prompts.txt"), "");
        assertThat(row.errorWith(dir.resolve("row"), Map.of("prompts", InputFiles.describe(empty, "text"))))
                .contains("empty-prompts.txt").containsIgnoringCase("empty");
    }

    /** A valid ONNX file of another model (z = x + y) where the GPT-2 graph belongs, in each ONNX Runtime binding. */
    @ParameterizedTest
    @ValueSource(strings = {"python/onnxruntime", "java/onnxruntime", "rust/ort"})
    void onnxFileOfAnotherModel(String impl) throws IOException {
        BadInputRow row = row(impl);
        Path other = dir.resolve("add.onnx");
        Files.copy(Path.of("src/test/resources/bad-inputs/add.onnx"), other);
        assertThat(row.errorWith(dir.resolve("row"), Map.of("onnx", InputFiles.describe(other, "onnx"))))
                .contains("add.onnx").contains("input_ids");
    }

    /** The harness's own model files cut short (an interrupted copy or download): each row names the file. */
    @ParameterizedTest
    @ValueSource(strings = {"python/transformers", "java/jlama", "rust/candle", "python/onnxruntime", "java/onnxruntime", "rust/ort"})
    void truncatedModelFile(String impl) throws IOException {
        BadInputRow row = row(impl);
        String role = impl.endsWith("onnxruntime") || impl.equals("rust/ort") ? "onnx" : "weights";
        Path model = Path.of(row.spec().input(role));
        Path folder = Files.createDirectories(dir.resolve("model"));
        Path cut = folder.resolve(model.getFileName());
        byte[] bytes = Files.readAllBytes(model);
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        Map<String, InputFile> moved = new java.util.HashMap<>(Map.of(role, InputFiles.describe(cut, row.spec().inputs().get(role).kind())));
        if (role.equals("weights")) {
            Files.copy(Path.of(row.spec().input("config")), folder.resolve("config.json"));
            moved.put("config", InputFiles.describe(folder.resolve("config.json"), "json"));
        }
        assertThat(row.errorWith(dir.resolve("row"), moved)).contains(model.getFileName().toString());
    }

    /** The harness's safetensors with one tensor's shape transposed in the header: the bytes fit, the shape does not. */
    @ParameterizedTest
    @ValueSource(strings = {"python/transformers", "java/jlama", "rust/candle"})
    void safetensorsShapeThatDisagreesWithConfig(String impl) throws IOException {
        BadInputRow row = row(impl);
        Path folder = Files.createDirectories(dir.resolve("model"));
        Files.copy(Path.of(row.spec().input("config")), folder.resolve("config.json"));
        Path weights = folder.resolve("model.safetensors");
        transposeInHeader(Path.of(row.spec().input("weights")), weights, "h.0.attn.c_attn.weight");
        Map<String, InputFile> moved = Map.of("weights", InputFiles.describe(weights, "safetensors"),
                "config", InputFiles.describe(folder.resolve("config.json"), "json"));
        assertThat(row.errorWith(dir.resolve("row"), moved)).contains("model.safetensors", "h.0.attn.c_attn.weight")
                .containsAnyOf("[192, 64]", "(192, 64)");
    }

    private static void transposeInHeader(Path from, Path to, String tensor) throws IOException {
        byte[] bytes = Files.readAllBytes(from);
        int headerLength = (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        ObjectNode header = (ObjectNode) Json.MAPPER.readTree(new String(bytes, 8, headerLength, StandardCharsets.UTF_8));
        ArrayNode shape = (ArrayNode) header.get(tensor).get("shape");
        long rows = shape.get(0).asLong();
        shape.set(0, shape.get(1).asLong());
        shape.set(1, rows);
        byte[] newHeader = Json.MAPPER.writeValueAsBytes(header);
        ByteBuffer out = ByteBuffer.allocate(8 + newHeader.length + bytes.length - 8 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(newHeader.length).put(newHeader).put(Arrays.copyOfRange(bytes, 8 + headerLength, bytes.length));
        Files.write(to, out.array());
    }

    /** A user's checkpoint folder without its weights: every gpt2-generate row is an error naming the file; iris still runs. */
    @Test
    void checkpointMissingAFileEndsTheTasksRowsAndTheRunIsReported() throws Exception {
        Path checkpoint = Files.createDirectories(dir.resolve("my-gpt2"));
        Files.writeString(checkpoint.resolve("config.json"), "{\"n_layer\": 2, \"n_head\": 2, \"n_embd\": 64, "
                + "\"vocab_size\": 50257, \"n_positions\": 1024}");
        BenchmarkSession session = new BenchmarkSession(settings().withImpls("java/pure,java/onnxruntime,rust/ort"));
        Gpt2GenerateTask gpt2 = new Gpt2GenerateTask(new Checkpoint("GPT-2", checkpoint));
        for (var task : List.of(gpt2, new IrisMlpTask())) {
            TaskMatrix matrix = new TaskMatrix(task, session);
            matrix.runAll();
            for (Implementation impl : matrix.selectedImplementations()) {
                var run = matrix.run(impl);
                if (run.isPresent()) {
                    session.record(RowJudge.judge(task, impl, run.get(), matrix.rounds(impl),
                            run.get().ok() ? matrix.referenceFor(impl) : null));
                }
            }
        }
        List<ResultRow> rows = ResultsFile.read(session.writeResults(dir.resolve("results"))).rows();
        List<ResultRow> gpt2Rows = rows.stream().filter(r -> r.task().equals("gpt2-generate")).toList();
        assertThat(gpt2Rows).isNotEmpty().allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(ResultRow.ERROR);
            assertThat(r.reason()).contains("the task's inputs could not be prepared")
                    .contains("GPT-2 checkpoint " + checkpoint + ": model.safetensors is missing");
            assertThat(r.phases()).isNull();
        });
        assertThat(rows).filteredOn(r -> r.impl().equals("java/pure")).singleElement()
                .extracting(ResultRow::status).isEqualTo(ResultRow.PASSED);
    }
}
