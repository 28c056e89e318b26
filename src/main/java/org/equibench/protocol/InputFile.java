package org.equibench.protocol;

import java.util.List;

/**
 * A file an implementation must read, with its digest so the reader can prove what it read. An {@code npy}
 * input also carries its declared NumPy dtype ({@code <f8}) and shape, whose dimensions are integers, names of
 * integer params, or null (any length): every runner core checks the file's header against them before the
 * first phase (PROTOCOL.md, "Input validation").
 */
public record InputFile(String path, String sha256, String kind, String dtype, List<Object> shape) {

    public InputFile(String path, String sha256, String kind) {
        this(path, sha256, kind, null, null);
    }

    /** The same file with its declared dtype and shape. */
    public InputFile declared(String declaredDtype, List<Object> declaredShape) {
        return new InputFile(path, sha256, kind, declaredDtype, declaredShape);
    }
}
