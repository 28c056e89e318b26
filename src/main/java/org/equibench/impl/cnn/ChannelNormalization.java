package org.equibench.impl.cnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The contract's preprocessing: pixel byte {@code p} of channel {@code c} becomes {@code (p / 255 − mean[c]) / std[c]},
 * evaluated in f64 (Java's double arithmetic is IEEE, so these are NumPy's values bit for bit), then rounded to f32
 * for the timed run or kept in f64 for {@code check_f64}. The value depends only on {@code (c, p)}, so each is
 * computed once into a 3 × 256 table and the images are filled from it.
 */
final class ChannelNormalization {
    private static final int CHANNELS = 3;
    private static final int PLANE = 32 * 32;

    private final double[][] table = new double[CHANNELS][256];

    ChannelNormalization(double[] mean, double[] std) {
        for (int c = 0; c < CHANNELS; c++) {
            for (int p = 0; p < 256; p++) {
                table[c][p] = (p / 255.0 - mean[c]) / std[c];
            }
        }
    }

    /**
     * Every image of {@code pixels} (N × 3,072 bytes), as f32 NCHW in a direct native-order buffer: DJL's PyTorch
     * engine wraps such a buffer without a copy, and the training set of the full run (600 MB) never sits on the heap.
     */
    ByteBuffer f32(byte[] pixels) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(Math.multiplyExact(pixels.length, Float.BYTES))
                .order(ByteOrder.nativeOrder());
        FloatBuffer values = buffer.asFloatBuffer();
        for (int i = 0; i < pixels.length; i++) {
            values.put(i, (float) table[channel(i)][Byte.toUnsignedInt(pixels[i])]);
        }
        return buffer;
    }

    /** The images {@code images[0..]} of {@code pixels}, in that order, as f64 NCHW. */
    double[] f64(byte[] pixels, int[] images) {
        double[] values = new double[images.length * CifarBinary.PIXELS];
        for (int k = 0; k < images.length; k++) {
            int from = images[k] * CifarBinary.PIXELS;
            for (int j = 0; j < CifarBinary.PIXELS; j++) {
                values[k * CifarBinary.PIXELS + j] = table[j / PLANE][Byte.toUnsignedInt(pixels[from + j])];
            }
        }
        return values;
    }

    private static int channel(int byteIndex) {
        return byteIndex % CifarBinary.PIXELS / PLANE;
    }
}
