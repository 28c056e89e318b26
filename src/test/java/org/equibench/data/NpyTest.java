package org.equibench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryDtypeAndShape() throws IOException {
        for (NdArray a : new NdArray[] {
                NdArray.f64(new double[] {1.5, -2.25, 3e-300, Double.MAX_VALUE, 0, 1}, 2, 3),
                NdArray.labels(new long[] {0, 2, 1, 9}),
                new NdArray(NdArray.DType.F32, new int[] {3}, new double[] {0.5, 1.0, -2.0}),
                new NdArray(NdArray.DType.I32, new int[] {1, 2}, new double[] {7, -7}),
                NdArray.f64(new double[] {42}, new int[0])}) {
            Path f = dir.resolve("a.npy");
            Npy.write(f, a);
            assertThat(Npy.read(f)).isEqualTo(a);
            assertThat((Files.size(f) - (long) a.size() * a.dtype().bytes) % 64).as("header length").isZero();
        }
    }

    @Test
    void readsFilesWrittenByNumpy() throws IOException {
        // committed goldens were written by NumPy's np.save
        NdArray w1 = Npy.read(Path.of("data/reference/iris-mlp/W1.npy"));
        assertThat(w1.dtype()).isEqualTo(NdArray.DType.F64);
        assertThat(w1.shape()).containsExactly(4, 8);
        NdArray pred = Npy.read(Path.of("data/reference/iris-mlp/test_pred.npy"));
        assertThat(pred.dtype()).isEqualTo(NdArray.DType.I64);
        assertThat(java.util.Arrays.stream(pred.values()).distinct().sorted().toArray()).containsExactly(0.0, 1.0, 2.0);
    }

    @Test
    void rejectsCorruptFilesNamingThem() throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.writeString(f, "not an npy file at all");
        assertThatThrownBy(() -> Npy.read(f)).isInstanceOf(IOException.class).hasMessageContaining("bad.npy")
                .hasMessageContaining("not a valid .npy");
        Path truncated = dir.resolve("short.npy");
        Npy.write(truncated, NdArray.f64(new double[] {1, 2, 3}, 3));
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> Npy.read(truncated)).hasMessageContaining("expected 24 data bytes");
        assertThatThrownBy(() -> Npy.read(dir.resolve("absent.npy"))).hasMessageContaining("file not found");
    }

    @Test
    void rejectsHeadersItCannotReadNamingWhatIsWrong() throws IOException {
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", 32)))
                .hasMessageContaining("x.npy: not a valid .npy file").hasMessageContaining("c16");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 2), }", 32)))
                .hasMessageContaining("Fortran order is not supported");
        assertThatThrownBy(() -> Npy.read(npy("{'fortran_order': False, 'shape': (2,), }", 16)))
                .hasMessageContaining("header has no descr");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 16)))
                .hasMessageContaining("expected 24 data bytes, found 16");
    }

    /** Sizes a header declares are never believed: they must agree with the bytes that follow. */
    @Test
    void rejectsAbsurdDeclaredSizesWithoutAllocatingThem() throws IOException {
        // 2^64 elements wrapped to 0 in a long, and an empty payload was taken as that array (found by reading, before fuzzing).
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (65536, 65536, 65536, 65536), }", 0)))
                .hasMessageContaining("x.npy: not a valid .npy file").hasMessageContaining("overflow");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-2, -1), }", 16)))
                .hasMessageContaining("negative dimension in shape [-2, -1]");
        assertThatThrownBy(() -> Npy.read(npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }", 16)))
                .hasMessageContaining("expected 8000000000000 data bytes, found 16");
        // A version-2 header length of -1 threw IllegalArgumentException out of Npy.header (found by ReaderFuzzTest).
        Path negative = dir.resolve("negative.npy");
        Files.write(negative, new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 2, 0, -1, -1, -1, -1});
        assertThatThrownBy(() -> Npy.header(negative)).isInstanceOf(IOException.class)
                .hasMessage("negative.npy: not a valid .npy file: header length out of range");
    }

    /** A version-1 .npy file with this header dictionary and this many zero data bytes. */
    private Path npy(String dict, int dataBytes) throws IOException {
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write(header.length() >> 8);
        out.write(header.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(new byte[dataBytes]);
        Path f = dir.resolve("x.npy");
        Files.write(f, out.toByteArray());
        return f;
    }
}
