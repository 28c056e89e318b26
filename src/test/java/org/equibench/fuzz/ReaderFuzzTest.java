package org.equibench.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.data.Json;
import org.equibench.data.Npy;
import org.equibench.data.NumericCsv;
import org.equibench.impl.core.RunnerError;
import org.equibench.impl.core.SpecReader;
import org.equibench.impl.core.SpecValidation;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.ResultValidation;
import org.equibench.task.Tasks;

/**
 * Every reader of the harness and of the Java runner answers any bytes with a value or its own error (an
 * IOException or the CSV reader's DataFormatException naming the file, the runner's RunnerError naming the
 * field), never with another exception. Jazzer allows one fuzz target per JVM, so this one target takes the
 * reader from the input's first byte.
 *
 * <p>In every test run it replays the seed inputs and past findings under ReaderFuzzTestInputs/; the build's
 * "fuzz-readers" execution fuzzes it for a bounded time (JAZZER_FUZZ=1), and a crash it finds is written there,
 * to stay a regression test.
 */
class ReaderFuzzTest {
    private static final List<String> IRIS_HEADER = List.of("sepal_length", "sepal_width", "petal_length", "petal_width", "species");
    private static final RunSpec SPEC = new RunSpec(1, "iris-mlp", "java/pure", "cpu", "f64", 1, 0, 0, 1, List.of("train"), Map.of(),
            Map.of(), List.of("W1"));
    private static final Path DIR = tempDir();

    private static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("equibench-fuzz");
            Files.createDirectories(dir.resolve("out"));
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @FuzzTest(maxDuration = "40s")
    void everyReaderAnswersAnyBytesWithAValueOrItsOwnError(FuzzedDataProvider data) throws Exception {
        int reader = data.consumeInt(0, 4);
        Path file = DIR.resolve("input");
        Files.write(file, data.consumeRemainingAsBytes());
        try {
            switch (reader) {
                case 0 -> Npy.read(file);
                case 1 -> Npy.header(file);
                case 2 -> NumericCsv.read(file, IRIS_HEADER).labels(4, 3);
                case 3 -> {
                    RunSpec spec = SpecReader.read(file);
                    Tasks.byId(spec.task()).ifPresent(task -> SpecValidation.phasesAndOutputs(spec, task));
                }
                default -> {
                    RunResult result = Json.read(file, RunResult.class);
                    if (result != null && result.ok()) {
                        ResultValidation.problem(SPEC, result, DIR.resolve("out"));
                    }
                }
            }
        } catch (IOException | NumericCsv.DataFormatException | RunnerError expected) {
            assertThat(expected.getMessage()).as("an error the user can read").isNotBlank();
        }
    }
}
