package org.equibench.impl.cnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.impl.core.RunnerError;

/**
 * An .npy input read with the dtype and shape this row needs, checked by the row itself (as the Python row's
 * {@code read_npy} does): the runner core checks only the inputs whose spec entry declares them, and a spec may
 * carry an input without the declaration. The message is the core's.
 */
final class NpyInput {
    private NpyInput() {
    }

    static NdArray read(Path file, NdArray.DType dtype, int... shape) throws IOException {
        NdArray array = Npy.read(file);
        if (array.dtype() != dtype || !Arrays.equals(array.shape(), shape)) {
            throw new RunnerError(file.getFileName() + ": expected " + dtype.descr + " of shape " + tuple(shape)
                    + ", found " + array.dtype().descr + " of shape " + tuple(array.shape()));
        }
        return array;
    }

    /** A shape as Python writes a tuple. */
    private static String tuple(int[] shape) {
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        return "(" + dims + (shape.length == 1 ? ",)" : ")");
    }
}
