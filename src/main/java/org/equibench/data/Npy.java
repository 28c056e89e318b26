package org.equibench.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads and writes NumPy .npy files (format 1.0/2.0, C order, little-endian numeric dtypes). */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']+)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    public static NdArray read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file + ": file not found", e);
        }
        try {
            return parse(bytes);
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a valid .npy file: " + e.getMessage(), e);
        }
    }

    /** What a .npy header declares: NumPy's dtype descr ({@code <f8}) and the shape. */
    public record Header(String descr, int[] shape) {
    }

    /** Reads only the header of a .npy file (magic, version, dict), not its data. */
    public static Header header(Path file) throws IOException {
        byte[] head;
        try (var in = Files.newInputStream(file)) {
            head = in.readNBytes(10);
            if (head.length == 10) {
                ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                int headerLen = head[6] == 1 ? Short.toUnsignedInt(b.getShort(8)) : -1;
                if (headerLen < 0) { // version 2/3: a 4-byte header length
                    byte[] more = in.readNBytes(2);
                    head = java.util.Arrays.copyOf(head, 12);
                    System.arraycopy(more, 0, head, 10, more.length);
                    headerLen = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(8);
                }
                byte[] dict = in.readNBytes(headerLen);
                byte[] all = java.util.Arrays.copyOf(head, head.length + dict.length);
                System.arraycopy(dict, 0, all, head.length, dict.length);
                head = all;
            }
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException(file.getFileName() + ": file not found", e);
        } catch (IllegalArgumentException e) { // a negative header length
            throw new IOException(file.getFileName() + ": not a valid .npy file: header length out of range", e);
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
            String header = headerText(buf, head);
            return new Header(find(DESCR, header, "descr"), shapeOf(header));
        } catch (RuntimeException e) {
            throw new IOException(file.getFileName() + ": not a valid .npy file: " + e.getMessage(), e);
        }
    }

    private static String headerText(ByteBuffer buf, byte[] bytes) {
        for (byte b : MAGIC) {
            if (buf.get() != b) {
                throw new IllegalArgumentException("bad magic");
            }
        }
        int major = buf.get();
        buf.get();
        int headerLen = major == 1 ? Short.toUnsignedInt(buf.getShort()) : buf.getInt();
        if (headerLen > buf.remaining()) {
            throw new IllegalArgumentException("header truncated");
        }
        String header = new String(bytes, buf.position(), headerLen, StandardCharsets.ISO_8859_1);
        buf.position(buf.position() + headerLen);
        return header;
    }

    private static int[] shapeOf(String header) {
        String shapeText = find(SHAPE, header, "shape").trim();
        return shapeText.isEmpty() ? new int[0]
                : java.util.Arrays.stream(shapeText.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .mapToInt(Integer::parseInt).toArray();
    }

    static NdArray parse(byte[] bytes) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        String header = headerText(buf, bytes);
        NdArray.DType dtype = NdArray.DType.ofDescr(find(DESCR, header, "descr"));
        if (find(FORTRAN, header, "fortran_order").equals("True")) {
            throw new IllegalArgumentException("Fortran order is not supported");
        }
        int[] shape = shapeOf(header);
        long n = 1;
        for (int d : shape) {
            // A header may declare any size; only one the file's bytes can hold is read (no overflow, no huge allocation).
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + java.util.Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, (long) d);
        }
        if (n > Integer.MAX_VALUE || buf.remaining() != n * dtype.bytes) {
            throw new IllegalArgumentException("expected " + n * dtype.bytes + " data bytes, found " + buf.remaining());
        }
        double[] values = new double[(int) n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (dtype) {
                case F64 -> buf.getDouble();
                case F32 -> buf.getFloat();
                case I64 -> buf.getLong();
                case I32 -> buf.getInt();
            };
        }
        return new NdArray(dtype, shape, values);
    }

    private static String find(Pattern p, String header, String what) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("header has no " + what + ": " + header.trim());
        }
        return m.group(1);
    }

    public static void write(Path file, NdArray array) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int d : array.shape()) {
            shape.append(d).append(", ");
        }
        if (array.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (array.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        shape.append(")");
        String dict = "{'descr': '" + array.dtype().descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        // Header padded with spaces so that magic + length + header is a multiple of 64 bytes, ending in \n.
        int total = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer buf = ByteBuffer.allocate(MAGIC.length + 4 + header.length() + array.size() * array.dtype().bytes)
                .order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
        buf.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (double v : array.values()) {
            switch (array.dtype()) {
                case F64 -> buf.putDouble(v);
                case F32 -> buf.putFloat((float) v);
                case I64 -> buf.putLong((long) v);
                case I32 -> buf.putInt((int) v);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, buf.array());
    }
}
