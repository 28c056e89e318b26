package org.equibench.task;

import java.util.List;

/** Every task the harness knows. Add a new task here (and a test class and runner modules). */
public final class Tasks {
    private static final List<Task> ALL = List.of(new IrisMlpTask(), new LinregCaliforniaTask(), new SvmDigitsTask(),
            new KmeansBlobsTask());

    private Tasks() {
    }

    public static List<Task> all() {
        return ALL;
    }

    public static java.util.Optional<Task> byId(String id) {
        return ALL.stream().filter(t -> t.id().equals(id)).findFirst();
    }
}
