package org.equibench.impl.cnn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.equibench.task.CnnCifar10Task;

/**
 * The unlisted phase {@code check_f64}: the same training as {@code train}, in f64 throughout (f64 images, the initial
 * weights as given, f64 Adam state), for the first {@code f64_steps} batches, keeping every parameter after each step.
 * Only the images those batches use are normalized (as the reference does), and the batches index into them.
 */
final class F64Check {
    /** {@code params}: {@code f64_steps} × 2,122,186, each row all parameters after that step. */
    record Result(double[] losses, double[] params) {
    }

    private F64Check() {
    }

    static Result run(Engine engine, NDManager parent, CnnInputs inputs, CnnCifar10Task.Params p) {
        int steps = p.f64Steps();
        long[] batches = Arrays.copyOf(inputs.batches(), steps * p.batchSize());
        int[] used = Arrays.stream(batches).mapToInt(Math::toIntExact).sorted().distinct().toArray();
        long[] positions = Arrays.stream(batches).map(i -> Arrays.binarySearch(used, (int) i)).toArray();
        int[] usedLabels = Arrays.stream(used).map(i -> inputs.train().labels()[i]).toArray();
        double[] losses = new double[steps];
        double[] params = new double[Math.multiplyExact(steps, CnnParameter.TOTAL_SIZE)];
        ChannelNormalization normalization = new ChannelNormalization(inputs.channelMean(), inputs.channelStd());
        try (NDManager manager = parent.newSubManager();
             CnnWeights initial = CnnWeights.initial(manager, inputs.initial(), DataType.FLOAT64);
             CnnWeights weights = initial.trainableCopy(manager);
             TorchOrderAdam adam = new TorchOrderAdam(manager, weights, p)) {
            NDArray images = manager.create(normalization.f64(inputs.train().pixels(), used),
                    new Shape(used.length, 3, 32, 32));
            NDArray labels = manager.create(CifarTensors.labels(usedLabels));
            NDArray batchRows = manager.create(positions, new Shape(steps, p.batchSize()));
            CnnTrainer trainer = new CnnTrainer(engine, images, labels, batchRows);
            for (int k = 0; k < steps; k++) {
                losses[k] = trainer.step(k, weights, adam);
                weights.copyDoubles(params, k * CnnParameter.TOTAL_SIZE);
            }
        }
        return new Result(losses, params);
    }
}
