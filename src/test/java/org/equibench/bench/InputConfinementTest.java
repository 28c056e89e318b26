package org.equibench.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.InputFile;
import org.equibench.report.ResultRow;
import org.equibench.task.IrisMlpTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No runner is handed an input from outside the run's folders and the declared data folders, links included. */
class InputConfinementTest {
    @TempDir
    Path dir;

    private static Map<String, InputFile> input(Path file) {
        return Map.of("data", new InputFile(file.toString(), null, "csv"));
    }

    @Test
    void anInputOutsideTheFoldersOrLinkedOutOfThemIsRefusedNamingWhereItLeads() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Path elsewhere = Files.writeString(Files.createDirectories(dir.resolve("home")).resolve("secret.csv"), "x\n");
        InputConfinement confinement = new InputConfinement(List.of(data));

        Path inside = Files.writeString(data.resolve("ok.csv"), "x\n");
        assertThatCode(() -> confinement.check(input(inside))).doesNotThrowAnyException();
        assertThatThrownBy(() -> confinement.check(input(elsewhere)))
                .hasMessage("input 'data': " + elsewhere + " lies outside the folders a run may read: [" + data + "] "
                        + "(declare a data folder of yours with -Dequibench.data-folders=…)");
        Path dotted = data.resolve("../home/secret.csv");
        assertThatThrownBy(() -> confinement.check(input(dotted))).hasMessageStartingWith("input 'data': " + dotted + " (which resolves to ");
        Path link = Files.createSymbolicLink(data.resolve("linked.csv"), elsewhere);
        assertThatThrownBy(() -> confinement.check(input(link)))
                .hasMessageStartingWith("input 'data': " + link + " (which resolves to " + elsewhere.toRealPath() + ") lies outside");
        assertThatCode(() -> new InputConfinement(List.of(data, dir.resolve("home"))).check(input(link)))
                .as("a declared data folder may hold the link's target").doesNotThrowAnyException();
    }

    /** A run whose data/raw/iris.csv links out of the checkout: every iris row is an error saying so; nothing runs. */
    @Test
    void aRunWithADataFileLinkedOutOfTheCheckoutMakesEveryRowOfItsTaskAnError() throws Exception {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Path raw = Files.createDirectories(root.resolve("data/raw"));
        Path outside = Files.copy(Path.of("data/raw/iris.csv"), dir.resolve("iris-elsewhere.csv"));
        Files.createSymbolicLink(raw.resolve("iris.csv"), outside);
        Settings settings = Settings.fromSystemProperties();
        settings = new Settings(root, root.resolve("target/equibench"), settings.tasks(), Settings.globs("java/pure"),
                settings.scale(), 1, "cpu", false, false, 1);
        BenchmarkSession session = new BenchmarkSession(settings);
        IrisMlpTask iris = new IrisMlpTask();
        TaskMatrix matrix = new TaskMatrix(iris, session);
        matrix.runAll();
        String linkTarget = outside.toRealPath().toString();
        assertThat(matrix.selectedImplementations()).isNotEmpty();
        for (var impl : matrix.selectedImplementations()) {
            assertThat(matrix.unavailableReason(impl)).isNull();
            var run = matrix.run(impl);
            assertThat(run).hasValueSatisfying(r -> assertThat(r.error())
                    .contains("the task's inputs could not be prepared", "input 'data': " + raw.resolve("iris.csv"),
                            "(which resolves to " + linkTarget + ") lies outside the folders a run may read"));
            session.record(RowJudge.judge(iris, impl, run.get(), matrix.rounds(impl), null));
        }
        assertThat(session.rows()).extracting(ResultRow::status).containsOnly(ResultRow.ERROR);
    }
}
