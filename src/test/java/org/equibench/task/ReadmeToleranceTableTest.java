package org.equibench.task;

import org.equibench.check.OutputCheck;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's tolerance tables stay in step with the tolerances the tasks actually declare. */
class ReadmeToleranceTableTest {
    @Test
    void everyDeclaredToleranceAndReasonIsInTheReadme() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        for (Task task : Tasks.all()) {
            assertThat(readme).as("README section for %s", task.id()).contains("### `" + task.id() + "`");
            for (Implementation impl : task.implementations()) {
                for (OutputCheck check : task.checks(impl)) {
                    assertThat(readme).as("%s %s: reason of the %s check", task.id(), impl.id(), check.output()).contains(check.why());
                }
            }
        }
    }
}
