package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.task.Task;
import org.equibench.task.Tasks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The inputs/params tables of PROTOCOL.md and the tolerance tables of README.md are the ones the task
 * declarations generate: every task has its table, and none is out of date.
 */
class DocTablesTest {
    private static final String REGENERATE = "mvn -q compile exec:java -Dexec.mainClass=org.equibench.report.DocTablesMain";

    @ParameterizedTest(name = "{1} tables in {0}")
    @CsvSource({"README.md, tolerances", "containers/PROTOCOL.md, params"})
    void everyTaskHasItsCurrentTable(String file, String kind) throws IOException {
        String text = Files.readString(Path.of(file));
        assertThat(DocTables.blocks(text, kind)).as("generated %s blocks in %s", kind, file)
                .containsExactlyInAnyOrderElementsOf(Tasks.all().stream().map(Task::id).toList());
        assertThat(text).as("%s is out of date with the task declarations; regenerate its tables with: %s", file, REGENERATE)
                .isEqualTo(DocTables.regenerate(text, Tasks.all()));
    }

    @ParameterizedTest
    @CsvSource({"1e-9, 1e-9", "0.0666666677, 0.06667", "99.5, 99.5", "0.001, 0.001", "200000, 200000"})
    void tolerancesAreWrittenAsPeopleWriteThem(double value, String text) {
        assertThat(DocTables.number(value)).isEqualTo(text);
    }
}
