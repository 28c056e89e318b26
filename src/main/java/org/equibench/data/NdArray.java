package org.equibench.data;

import java.util.Arrays;

/**
 * A dense, C-ordered array as exchanged through .npy files. Values are held as double whatever the
 * file's dtype: labels (int64) are exact in a double up to 2^53, far beyond any class index.
 */
public record NdArray(DType dtype, int[] shape, double[] values) {

    public enum DType {
        F64("<f8", 8), F32("<f4", 4), I64("<i8", 8), I32("<i4", 4);

        public final String descr;
        public final int bytes;

        DType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        public boolean isInteger() {
            return this == I64 || this == I32;
        }

        public static DType ofDescr(String descr) {
            for (DType t : values()) {
                if (t.descr.equals(descr)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unsupported .npy dtype '" + descr + "' (supported: <f8 <f4 <i8 <i4)");
        }
    }

    public NdArray {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " needs " + n + " values, got " + values.length);
        }
    }

    public static NdArray f64(double[] values, int... shape) {
        return new NdArray(DType.F64, shape, values);
    }

    public static NdArray labels(long[] labels) {
        double[] v = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            v[i] = labels[i];
        }
        return new NdArray(DType.I64, new int[] {labels.length}, v);
    }

    public static NdArray labels(int[] labels) {
        double[] v = new double[labels.length];
        for (int i = 0; i < labels.length; i++) {
            v[i] = labels[i];
        }
        return new NdArray(DType.I64, new int[] {labels.length}, v);
    }

    public int size() {
        return values.length;
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    public long[] asLongs() {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (long) values[i];
        }
        return out;
    }

    public int[] asInts() {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NdArray other && dtype == other.dtype && Arrays.equals(shape, other.shape)
                && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(shape) + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return "NdArray[" + dtype.descr + " " + shapeText() + "]";
    }
}
