package org.equibench.task;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.equibench.data.PackageScan;

/** Every task the harness knows: each public {@link Task} class in this package, found by being here. */
public final class Tasks {
    private static final List<Task> ALL = PackageScan.instances(Tasks.class.getPackageName(), Task.class).stream()
            .sorted(Comparator.comparing(Task::order).thenComparing(Task::id))
            .toList();

    private Tasks() {
    }

    public static List<Task> all() {
        return ALL;
    }

    public static Optional<Task> byId(String id) {
        return ALL.stream().filter(t -> t.id().equals(id)).findFirst();
    }
}
