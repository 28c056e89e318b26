package org.equibench.impl.cnn;

import ai.djl.ndarray.types.Shape;

/**
 * The CNN's parameters in the contract's order, with PyTorch's names and layouts; that order is also the order of
 * the flattened {@code step1_params} and {@code f64_params} outputs. Each name is also the spec input holding the
 * parameter's initial values.
 */
enum CnnParameter {
    CONV1_WEIGHT("conv1_weight", 32, 3, 3, 3),
    CONV1_BIAS("conv1_bias", 32),
    CONV2_WEIGHT("conv2_weight", 64, 32, 3, 3),
    CONV2_BIAS("conv2_bias", 64),
    FC1_WEIGHT("fc1_weight", 512, 4096),
    FC1_BIAS("fc1_bias", 512),
    FC2_WEIGHT("fc2_weight", 10, 512),
    FC2_BIAS("fc2_bias", 10);

    /** All parameters together: 2,122,186 numbers. */
    static final int TOTAL_SIZE = total();

    final String role;
    final Shape shape;

    CnnParameter(String role, long... shape) {
        this.role = role;
        this.shape = new Shape(shape);
    }

    int size() {
        return Math.toIntExact(shape.size());
    }

    private static int total() {
        int n = 0;
        for (CnnParameter p : values()) {
            n += p.size();
        }
        return n;
    }
}
