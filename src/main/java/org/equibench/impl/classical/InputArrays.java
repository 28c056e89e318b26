package org.equibench.impl.classical;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.data.NumericCsv.DataFormatException;

/** The .npy inputs of the classical tasks, checked on the way in; every message names the file. */
final class InputArrays {
    private InputArrays() {
    }

    /** The harness's row order: an {@code <i8} permutation of 0..rows-1. */
    static long[] split(Path file, int rows) throws IOException, DataFormatException {
        NdArray a = Npy.read(file);
        String name = file.getFileName().toString();
        if (a.dtype() != NdArray.DType.I64 || a.shape().length != 1 || a.shape()[0] != rows) {
            throw new DataFormatException(name + ": expected <i8 of shape (" + rows + ",), found " + a.dtype().descr
                    + " of shape " + shape(a));
        }
        long[] split = a.asLongs();
        boolean[] seen = new boolean[rows];
        for (long i : split) {
            if (i < 0 || i >= rows || seen[(int) i]) {
                throw new DataFormatException(name + ": not a permutation of 0.." + (rows - 1));
            }
            seen[(int) i] = true;
        }
        return split;
    }

    /** The shape as NumPy writes it: (3,) or (100, 2). */
    private static String shape(NdArray a) {
        int[] s = a.shape();
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < s.length; i++) {
            b.append(i > 0 ? ", " : "").append(s[i]);
        }
        return b.append(s.length == 1 ? ",)" : ")").toString();
    }

    /** An {@code <f8} matrix of any shape (n × d), every value finite. */
    static NdArray finiteMatrix(Path file) throws IOException, DataFormatException {
        NdArray a = Npy.read(file);
        String name = file.getFileName().toString();
        if (a.dtype() != NdArray.DType.F64 || a.shape().length != 2) {
            throw new DataFormatException(name + ": expected <f8 of shape (?, ?), found " + a.dtype().descr
                    + " of shape " + shape(a));
        }
        if (!Arrays.stream(a.values()).allMatch(Double::isFinite)) {
            throw new DataFormatException(name + ": contains NaN or infinite values");
        }
        return a;
    }
}
