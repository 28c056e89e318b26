package org.equibench.task;

import java.util.List;

/**
 * One row of a task: an implementation id ({@code language/framework}), how it is labelled in reports,
 * and its precision. {@code note} says what a reader must know next to its figures (empty if nothing);
 * {@code devices} are those it can run on (the cpu, and cuda where its runner supports it).
 */
public record Implementation(String id, String language, String framework, String dtype, String note, List<String> devices) {

    public static Implementation of(String id, String framework, String dtype) {
        return new Implementation(id, id.substring(0, id.indexOf('/')), framework, dtype, "", List.of("cpu"));
    }

    public Implementation withNote(String text) {
        return new Implementation(id, language, framework, dtype, text, devices);
    }

    public Implementation withDevices(String... names) {
        return new Implementation(id, language, framework, dtype, note, List.of(names));
    }

    @Override
    public String toString() {
        return id;
    }
}
