package org.equibench.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner side's digest of arrays in memory is the harness side's digest of the files written. */
class OutputDigestTest {
    @TempDir
    Path dir;

    @Test
    void arraysInMemoryAndTheFilesWrittenHashAlikeForEveryDtype() throws Exception {
        double[] big = new double[5000]; // more than one 8 KiB chunk
        for (int i = 0; i < big.length; i++) {
            big[i] = Math.sin(i);
        }
        List<NdArray> arrays = List.of(NdArray.f64(big, 50, 100), new NdArray(NdArray.DType.F32, new int[] {3}, new double[] {0.5, -1.25, 3e7}),
                NdArray.labels(new long[] {3, -1, 50256}), new NdArray(NdArray.DType.I32, new int[] {2}, new double[] {7, -8}));
        List<Path> files = new java.util.ArrayList<>();
        for (int i = 0; i < arrays.size(); i++) {
            files.add(dir.resolve("a" + i + ".npy"));
            Npy.write(files.get(i), arrays.get(i));
        }
        assertThat(OutputDigest.of(arrays)).isEqualTo(OutputDigest.ofFiles(files));
        // over the data bytes only: the same values of another shape hash alike, other values do not
        assertThat(OutputDigest.of(List.of(NdArray.f64(big, 5000)))).isEqualTo(OutputDigest.ofFiles(files.subList(0, 1)));
        big[4999] = 0;
        assertThat(OutputDigest.of(List.of(NdArray.f64(big, 5000)))).isNotEqualTo(OutputDigest.ofFiles(files.subList(0, 1)));
        // SHA-256 of the little-endian bytes, as every runner computes it
        byte[] le = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(3).array();
        assertThat(OutputDigest.of(List.of(NdArray.labels(new long[] {3}))))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(le)));
    }
}
