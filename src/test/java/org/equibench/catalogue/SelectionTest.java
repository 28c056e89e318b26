package org.equibench.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.equibench.bench.Settings;
import org.equibench.task.Task;
import org.equibench.task.Tasks;
import org.junit.jupiter.api.Test;

/**
 * A selector that matches nothing is a typo, not an empty run: each glob of equibench.tasks must match a task,
 * each glob of equibench.impls a row of a selected task. The message lists the known ids.
 */
class SelectionTest {

    @Test
    void everySelectorMatchesSomething() {
        Settings settings = Settings.fromSystemProperties();
        List<Task> selected = Tasks.all().stream().filter(t -> settings.selectsTask(t.id())).toList();
        List<String> taskIds = Tasks.all().stream().map(Task::id).toList();
        List<String> implIds = selected.stream().flatMap(t -> t.implementations().stream().map(i -> i.id())).distinct().toList();
        for (Pattern glob : settings.tasks()) {
            assertThat(taskIds.stream().anyMatch(id -> glob.matcher(id).matches()))
                    .as("equibench.tasks selector '%s' matches no task; known tasks: %s", Settings.globText(glob),
                            String.join(", ", taskIds))
                    .isTrue();
        }
        for (Pattern glob : settings.impls()) {
            assertThat(implIds.stream().anyMatch(id -> glob.matcher(id).matches()))
                    .as("equibench.impls selector '%s' matches no implementation of the selected tasks; known: %s",
                            Settings.globText(glob), String.join(", ", implIds))
                    .isTrue();
        }
    }
}
