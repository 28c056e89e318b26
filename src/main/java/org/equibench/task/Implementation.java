package org.equibench.task;

/**
 * One row of a task: an implementation id ({@code language/framework}), how it is labelled in reports,
 * and its precision. {@code note} says what a reader must know next to its figures (empty if nothing).
 */
public record Implementation(String id, String language, String framework, String dtype, String note) {

    public static Implementation of(String id, String framework, String dtype) {
        return new Implementation(id, id.substring(0, id.indexOf('/')), framework, dtype, "");
    }

    public Implementation withNote(String text) {
        return new Implementation(id, language, framework, dtype, text);
    }

    @Override
    public String toString() {
        return id;
    }
}
