package org.equibench.impl.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;

/**
 * The eight parameter tensors of the CNN, in {@link CnnParameter} order, living in a manager of their own so that
 * closing them frees them (and the gradients libtorch attached to them) at once.
 */
final class CnnWeights implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] tensors;

    private CnnWeights(NDManager manager, NDArray[] tensors) {
        this.manager = manager;
        this.tensors = tensors;
    }

    /** The initial weights (f64, as the spec gives them) rounded to {@code type}; no gradients. */
    static CnnWeights initial(NDManager parent, Map<CnnParameter, double[]> values, DataType type) {
        NDManager manager = parent.newSubManager();
        NDArray[] tensors = new NDArray[CnnParameter.values().length];
        for (CnnParameter p : CnnParameter.values()) {
            NDArray f64 = manager.create(values.get(p), p.shape);
            if (type == DataType.FLOAT64) {
                tensors[p.ordinal()] = f64;
            } else {
                // libtorch's f64 → f32 conversion rounds to nearest, as torch's .to(float32) does
                tensors[p.ordinal()] = f64.toType(type, false);
                f64.close();
            }
        }
        return new CnnWeights(manager, tensors);
    }

    /** A copy of these weights whose tensors record gradients: the parameters a training run updates in place. */
    CnnWeights trainableCopy(NDManager parent) {
        NDManager copyManager = parent.newSubManager();
        NDArray[] copies = new NDArray[tensors.length];
        for (int i = 0; i < tensors.length; i++) {
            copies[i] = tensors[i].duplicate();
            copies[i].attach(copyManager);
            copies[i].setRequiresGradient(true);
        }
        return new CnnWeights(copyManager, copies);
    }

    NDArray get(CnnParameter p) {
        return tensors[p.ordinal()];
    }

    /** Every parameter flattened in the contract's order, as f32 (the tensors' own values when they are f32). */
    float[] flatFloats() {
        float[] flat = new float[CnnParameter.TOTAL_SIZE];
        int at = 0;
        for (NDArray t : tensors) {
            float[] values = t.toFloatArray();
            System.arraycopy(values, 0, flat, at, values.length);
            at += values.length;
        }
        return flat;
    }

    /** Every parameter flattened in the contract's order into {@code target} from {@code offset} on (f64 tensors). */
    void copyDoubles(double[] target, int offset) {
        int at = offset;
        for (NDArray t : tensors) {
            double[] values = t.toDoubleArray();
            System.arraycopy(values, 0, target, at, values.length);
            at += values.length;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
