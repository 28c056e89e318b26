package org.equibench.impl.cnn;

import static org.equibench.impl.cnn.CnnParameter.CONV1_BIAS;
import static org.equibench.impl.cnn.CnnParameter.CONV1_WEIGHT;
import static org.equibench.impl.cnn.CnnParameter.CONV2_BIAS;
import static org.equibench.impl.cnn.CnnParameter.CONV2_WEIGHT;
import static org.equibench.impl.cnn.CnnParameter.FC1_BIAS;
import static org.equibench.impl.cnn.CnnParameter.FC1_WEIGHT;
import static org.equibench.impl.cnn.CnnParameter.FC2_BIAS;
import static org.equibench.impl.cnn.CnnParameter.FC2_WEIGHT;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;

/**
 * The contract's CNN as DJL's functional operators, which on the PyTorch engine are libtorch's own
 * ({@code conv2d}, {@code relu}, {@code max_pool2d}, {@code linear}): conv1 3→32 (3×3, padding 1) → ReLU → max-pool
 * 2×2 → conv2 32→64 → ReLU → max-pool 2×2 → flatten (NCHW order) → fc1 4096→512 → ReLU → fc2 512→10.
 */
final class SeedCnn {
    /** Stride and dilation 1. */
    private static final Shape UNIT = new Shape(1, 1);
    private static final Shape SAME_PADDING = new Shape(1, 1);
    private static final Shape POOL = new Shape(2, 2);
    private static final Shape NO_PADDING = new Shape(0, 0);
    private static final int FLAT_FEATURES = 64 * 8 * 8;

    private SeedCnn() {
    }

    /** The logits (N × 10) of the images {@code x} (N × 3 × 32 × 32). */
    static NDArray logits(CnnWeights w, NDArray x) {
        NDArray h = convReluPool(x, w.get(CONV1_WEIGHT), w.get(CONV1_BIAS));
        h = convReluPool(h, w.get(CONV2_WEIGHT), w.get(CONV2_BIAS));
        h = h.reshape(h.getShape().get(0), FLAT_FEATURES);
        h = Activation.relu(Linear.linear(h, w.get(FC1_WEIGHT), w.get(FC1_BIAS)).singletonOrThrow());
        return Linear.linear(h, w.get(FC2_WEIGHT), w.get(FC2_BIAS)).singletonOrThrow();
    }

    private static NDArray convReluPool(NDArray x, NDArray weight, NDArray bias) {
        NDArray conv = Conv2d.conv2d(x, weight, bias, UNIT, SAME_PADDING, UNIT).singletonOrThrow();
        return Pool.maxPool2d(Activation.relu(conv), POOL, POOL, NO_PADDING, false);
    }
}
