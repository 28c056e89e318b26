package org.equibench.impl.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * {@code target ← x·y + z} rounded once, as libtorch's CPU kernels of {@code lerp_} and {@code addcmul_} compute it
 * (their loops end in a fused multiply-add). DJL has neither op nor an FMA. For f32 tensors the product of two
 * floats is exact in a double, so the sum is formed in f64 and rounded to f32: the FMA's result unless that double
 * rounding lands exactly on an f32 tie, which a 2-million-element comparison with {@code lerp_}/{@code addcmul_}
 * never met. The f64 work happens in two scratch tensors kept from step to step and filled by in-place copies, since
 * allocating f64 temporaries of the 2-million-element fc1 weight each step costs more than the arithmetic. libtorch
 * has no type wider than f64, so for f64 tensors the product and the sum round separately (at most an ulp of f64
 * from the FMA; only the untimed f64 check trains in f64).
 */
final class FusedMultiplyAdd {
    /** Every element: {@code set} with it is an in-place copy that converts the type. */
    private static final NDIndex ALL = new NDIndex(":");

    private final NDArray product;
    private final NDArray addend;

    /** For tensors of {@code shape} and {@code type}; scratch only for f32. */
    FusedMultiplyAdd(NDManager manager, Shape shape, DataType type) {
        boolean f32 = type == DataType.FLOAT32;
        product = f32 ? manager.zeros(shape, DataType.FLOAT64) : null;
        addend = f32 ? manager.zeros(shape, DataType.FLOAT64) : null;
    }

    /** {@code target ← x·y + z} for a tensor {@code y}. */
    void assign(NDArray target, NDArray x, NDArray y, NDArray z) {
        if (product == null) {
            target.set(ALL, x.mul(y).addi(z));
            return;
        }
        product.set(ALL, x);
        addend.set(ALL, y);
        product.muli(addend);
        finish(target, z);
    }

    /**
     * {@code target ← x·y + z} for a number {@code y}, which the kernels first round to the tensor's type (PyTorch's
     * {@code Scalar.to<float>()}).
     */
    void assign(NDArray target, NDArray x, double y, NDArray z) {
        if (product == null) {
            target.set(ALL, x.mul(y).addi(z));
            return;
        }
        product.set(ALL, x);
        product.muli((double) (float) y);
        finish(target, z);
    }

    /** product + z in f64 (one rounding, to double), then copied into the f32 target (the rounding to float). */
    private void finish(NDArray target, NDArray z) {
        addend.set(ALL, z);
        product.addi(addend);
        target.set(ALL, product);
    }
}
