package org.equibench.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.protocol.InputFile;

/** Describes the files handed to implementations: absolute path, SHA-256 and kind. */
public final class InputFiles {
    private InputFiles() {
    }

    public static InputFile describe(Path file, String kind) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("input file missing: " + file);
        }
        Path abs = file.toAbsolutePath().normalize();
        return new InputFile(abs.toString(), Sha256.of(abs), kind);
    }

    public static InputFile write(Path file, NdArray array) throws IOException {
        Npy.write(file, array);
        return describe(file, "npy");
    }
}
