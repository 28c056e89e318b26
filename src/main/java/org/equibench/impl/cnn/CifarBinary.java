package org.equibench.impl.cnn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.equibench.impl.core.RunnerError;

/**
 * One file in CIFAR-10's binary format, read whole and checked: a sequence of 3,073-byte records, each one label
 * byte (0–9) followed by 1,024 red, 1,024 green and 1,024 blue pixel bytes (32 rows of 32 per plane, so CHW).
 * Errors name the file by its last path component and the record by its 0-based index, as the Python runner does.
 */
public final class CifarBinary {
    public static final int PIXELS = 3 * 32 * 32;
    public static final int RECORD_BYTES = 1 + PIXELS;
    static final int CLASSES = 10;

    private final String name;
    private final byte[] bytes;

    private CifarBinary(String name, byte[] bytes) {
        this.name = name;
        this.bytes = bytes;
    }

    public static CifarBinary read(Path file) throws IOException {
        String name = file.getFileName().toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new RunnerError("cannot read " + file + ": No such file or directory", e);
        }
        if (bytes.length % RECORD_BYTES != 0) {
            throw new RunnerError(name + ": " + bytes.length + " bytes, not a whole number of " + RECORD_BYTES
                    + "-byte records");
        }
        for (int record = 0; record < bytes.length / RECORD_BYTES; record++) {
            int label = Byte.toUnsignedInt(bytes[record * RECORD_BYTES]);
            if (label >= CLASSES) {
                throw new RunnerError(name + " record " + record + ": label byte " + label + ", not 0..9");
            }
        }
        return new CifarBinary(name, bytes);
    }

    public String name() {
        return name;
    }

    public int records() {
        return bytes.length / RECORD_BYTES;
    }

    public int label(int record) {
        return Byte.toUnsignedInt(bytes[record * RECORD_BYTES]);
    }

    /** Copies the 3,072 pixel bytes of {@code record} to {@code target} from {@code offset} on. */
    public void copyPixels(int record, byte[] target, int offset) {
        System.arraycopy(bytes, record * RECORD_BYTES + 1, target, offset, PIXELS);
    }
}
