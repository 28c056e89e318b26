package org.equibench.impl.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * The f32 run's data as tensors, built once in {@code load}: the normalized training and test images (NCHW), the
 * training labels and the batch order (int64), in a manager of their own so that a repeated {@code load} frees the
 * previous ones.
 */
final class CifarTensors implements AutoCloseable {
    final NDArray trainImages;
    final NDArray trainLabels;
    final NDArray testImages;
    final NDArray batches;
    private final NDManager manager;

    CifarTensors(NDManager parent, CnnInputs inputs, int batchSize) {
        manager = parent.newSubManager();
        ChannelNormalization normalization = new ChannelNormalization(inputs.channelMean(), inputs.channelStd());
        trainImages = images(normalization, inputs.train());
        testImages = images(normalization, inputs.test());
        trainLabels = manager.create(labels(inputs.train().labels()));
        batches = manager.create(inputs.batches(), new Shape(inputs.batches().length / batchSize, batchSize));
    }

    private NDArray images(ChannelNormalization normalization, CifarRecords records) {
        Shape shape = new Shape(records.count(), 3, 32, 32);
        return manager.create(normalization.f32(records.pixels()), shape, DataType.FLOAT32);
    }

    static long[] labels(int[] labels) {
        long[] wide = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            wide[i] = labels[i];
        }
        return wide;
    }

    @Override
    public void close() {
        manager.close();
    }
}
