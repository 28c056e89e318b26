package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.equibench.check.CheckOutcome;
import org.equibench.check.EquivalenceGate;
import org.equibench.task.Implementation;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.Scale;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A committed golden that is corrupted, or was made for another spec, is never taken as the reference. */
class GoldenFaultsTest {
    @TempDir
    Path root;

    private final IrisMlpTask task = new IrisMlpTask();
    private TaskMatrix matrix;

    /** A checkout with iris-mlp's data and its committed golden, to spoil. */
    @BeforeEach
    void checkout() throws IOException {
        Path repo = Path.of(System.getProperty("equibench.root", ".")).toAbsolutePath();
        Files.createDirectories(root.resolve("data/raw"));
        Files.copy(repo.resolve("data/raw/iris.csv"), root.resolve("data/raw/iris.csv"));
        Path golden = Files.createDirectories(root.resolve("data/reference/iris-mlp"));
        try (Stream<Path> files = Files.list(repo.resolve("data/reference/iris-mlp"))) {
            for (Path f : files.toList()) {
                Files.copy(f, golden.resolve(f.getFileName()));
            }
        }
        Settings settings = new Settings(root, root.resolve("target/equibench"), Settings.globs("*"), Settings.globs("*"), Scale.CI,
                1, "cpu", false, false, 0);
        matrix = new TaskMatrix(task, new BenchmarkSession(settings));
    }

    @Test
    void aCorruptedGoldenFileFailsItsCheckNamingTheFile() throws IOException {
        Path w1 = root.resolve("data/reference/iris-mlp/W1.npy");
        byte[] bytes = Files.readAllBytes(w1);
        Files.write(w1, java.util.Arrays.copyOf(bytes, bytes.length - 8));
        ReferenceOutputs golden = matrix.goldenOutputs();
        assertThat(golden.available()).as("its provenance still matches the spec").isTrue();
        Implementation row = task.implementation("java/pure");
        List<CheckOutcome> outcomes = EquivalenceGate.evaluate(task.checks(row), golden.outputs(), golden.outputs());
        assertThat(outcomes).filteredOn(o -> o.output().equals("W1")).isNotEmpty().allSatisfy(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.problem()).contains("W1.npy", "not a valid .npy file", "data bytes");
        });
    }

    @Test
    void aGoldenMadeForAnotherSpecIsRefusedWithTheCommandThatRemakesIt() throws IOException {
        Path provenance = root.resolve("data/reference/iris-mlp/PROVENANCE.json");
        String text = Files.readString(provenance);
        String made = text.replaceAll("(?s).*\"spec_fingerprint\" : \"([0-9a-f]+)\".*", "$1");
        Files.writeString(provenance, text.replace(made, "0".repeat(64)));
        ReferenceOutputs golden = matrix.goldenOutputs();
        assertThat(golden.available()).isFalse();
        assertThat(golden.unavailable()).contains("was made for spec " + "0".repeat(64) + " but the spec is now " + made,
                "regenerate it with: mvn test -Dequibench.tasks=iris-mlp -Dequibench.impls=python/numpy -Dequibench.write-goldens=true");
    }
}
