package org.equibench.task;

import java.util.Arrays;
import java.util.List;

/**
 * One input a task hands to every row: its role in the spec, its file kind, and for {@code npy} files the
 * NumPy dtype and shape every runner checks before its first phase. A dimension is an integer, the name of an
 * integer param ({@code "hidden"}), or null (any length).
 */
public record InputDeclaration(String role, String kind, String dtype, List<Object> shape, String description) {

    public static InputDeclaration csv(String role, String description) {
        return new InputDeclaration(role, "csv", null, null, description);
    }

    /** A file read whole by the row's own library: model files, tokenizer files, text. */
    public static InputDeclaration file(String role, String kind, String description) {
        return new InputDeclaration(role, kind, null, null, description);
    }

    public static InputDeclaration npy(String role, String dtype, String description, Object... dims) {
        return new InputDeclaration(role, "npy", dtype, Arrays.asList(dims), description);
    }

    /** The shape as PROTOCOL.md writes it: {@code (4, hidden)}, {@code (150,)}, {@code (?, ?)}. */
    public String shapeText() {
        if (shape == null) {
            return "";
        }
        List<String> dims = shape.stream().map(d -> d == null ? "?" : d.toString()).toList();
        return "(" + String.join(", ", dims) + (dims.size() == 1 ? ",)" : ")");
    }
}
