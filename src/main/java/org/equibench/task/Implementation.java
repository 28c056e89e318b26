package org.equibench.task;

import java.util.List;

/**
 * One row of a task: an implementation id ({@code language/framework}), how it is labelled in reports,
 * and its precision. {@code note} says what a reader must know next to its figures (empty if nothing);
 * {@code devices} are those it can run on (the cpu, and cuda where its runner supports it).
 * {@code repetitionsMayDiffer} says why its repetitions may compute outputs differing in their last bits (then their
 * digests are reported, not required to agree: PROTOCOL.md, "Timed work re-verified"), or is null: it is repeatable.
 */
public record Implementation(String id, String language, String framework, String dtype, String note, List<String> devices,
        String repetitionsMayDiffer) {

    public static Implementation of(String id, String framework, String dtype) {
        return new Implementation(id, id.substring(0, id.indexOf('/')), framework, dtype, "", List.of("cpu"), null);
    }

    public Implementation withNote(String text) {
        return new Implementation(id, language, framework, dtype, text, devices, repetitionsMayDiffer);
    }

    public Implementation withDevices(String... names) {
        return new Implementation(id, language, framework, dtype, note, List.of(names), repetitionsMayDiffer);
    }

    public Implementation withRepetitionsMayDiffer(String why) {
        return new Implementation(id, language, framework, dtype, note, devices, why);
    }

    @Override
    public String toString() {
        return id;
    }
}
