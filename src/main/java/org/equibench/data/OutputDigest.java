package org.equibench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The digest of a phase's outputs (PROTOCOL.md, "Timed work re-verified"): SHA-256 over each array's data as its
 * .npy file holds it, the bytes after the header, in the order given. The runner side hashes arrays in memory, the
 * harness side the files written; both give the same digest for the same outputs.
 */
public final class OutputDigest {
    private static final int CHUNK = 8192;

    private OutputDigest() {
    }

    /** Of arrays in memory, encoded as {@link Npy#write} encodes them, through a small buffer (no copy of the data). */
    public static String of(List<NdArray> arrays) {
        MessageDigest sha = sha256();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        for (NdArray array : arrays) {
            int width = array.dtype().bytes;
            for (double v : array.values()) {
                if (buf.remaining() < width) {
                    sha.update(buf.array(), 0, buf.position());
                    buf.clear();
                }
                switch (array.dtype()) {
                    case F64 -> buf.putDouble(v);
                    case F32 -> buf.putFloat((float) v);
                    case I64 -> buf.putLong((long) v);
                    case I32 -> buf.putInt((int) v);
                }
            }
        }
        sha.update(buf.array(), 0, buf.position());
        return HexFormat.of().formatHex(sha.digest());
    }

    /** Of written .npy files: the bytes after each header, whatever wrote them. */
    public static String ofFiles(List<Path> files) throws IOException {
        MessageDigest sha = sha256();
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] prefix = in.readNBytes(12);
                if (prefix.length < 10 || prefix[0] != (byte) 0x93 || prefix[1] != 'N') {
                    throw new IOException(file.getFileName() + ": not a valid .npy file");
                }
                ByteBuffer b = ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN);
                long headerEnd = prefix[6] == 1 ? 10 + Short.toUnsignedInt(b.getShort(8)) : 12 + Integer.toUnsignedLong(b.getInt(8));
                in.skipNBytes(headerEnd - prefix.length);
                byte[] chunk = new byte[CHUNK];
                for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
                    sha.update(chunk, 0, n);
                }
            } catch (java.io.EOFException e) {
                throw new IOException(file.getFileName() + ": not a valid .npy file: header cut short", e);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
