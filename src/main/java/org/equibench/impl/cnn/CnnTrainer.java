package org.equibench.impl.cnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Training steps on DJL's autograd: a batch is gathered from the preloaded images by its indices, the forward pass
 * and the loss are recorded by a {@link GradientCollector}, its backward fills each parameter's gradient, and
 * {@link TorchOrderAdam} updates the parameters in place. Every temporary tensor of a step is closed with the step.
 */
final class CnnTrainer {
    private final Engine engine;
    private final NDArray images;
    private final NDArray labels;
    private final NDArray batches;

    /** {@code batches}: int64, one row of indices into {@code images}/{@code labels} per step. */
    CnnTrainer(Engine engine, NDArray images, NDArray labels, NDArray batches) {
        this.engine = engine;
        this.images = images;
        this.labels = labels;
        this.batches = batches;
    }

    /**
     * Step {@code k} (from 0) on batch row {@code k}: gather, forward, loss, backward, update, and the loss read back
     * as a number, which is what the contract times.
     */
    double step(int k, CnnWeights weights, TorchOrderAdam adam) {
        try (NDScope temporaries = new NDScope()) {
            NDArray index = batches.get(k);
            NDArray x = images.get(index);
            NDArray y = labels.get(index);
            CrossEntropy.BatchLoss loss;
            try (GradientCollector collector = engine.newGradientCollector()) {
                loss = CrossEntropy.of(SeedCnn.logits(weights, x), y);
                collector.backward(loss.tensor());
            }
            adam.step(weights);
            temporaries.suppressNotUsedWarning();
            return loss.value();
        }
    }

    /** The record of a timed run: each step's loss and time, and every parameter after step 1. */
    record Log(double[] losses, long[] stepNs, float[] step1Params) {
    }

    /**
     * {@code steps} steps from the given start, each timed alone with a monotonic clock; the copy of the parameters
     * after step 1 is taken outside the step's time.
     */
    Log timedRun(int steps, CnnWeights weights, TorchOrderAdam adam) {
        double[] losses = new double[steps];
        long[] stepNs = new long[steps];
        float[] step1Params = null;
        for (int k = 0; k < steps; k++) {
            long start = System.nanoTime();
            losses[k] = step(k, weights, adam);
            stepNs[k] = System.nanoTime() - start;
            if (k == 0) {
                step1Params = weights.flatFloats();
            }
        }
        return new Log(losses, stepNs, step1Params);
    }

    /**
     * Autograd off on this thread, which the in-place updates of the parameters need outside the collector. libtorch's
     * grad mode is per thread and on by default; DJL turns it off only on the thread that started the engine.
     */
    static void gradModeOff() {
        JniUtils.setGradMode(false);
    }
}
