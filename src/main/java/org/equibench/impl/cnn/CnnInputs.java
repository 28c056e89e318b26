package org.equibench.impl.cnn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.impl.core.RunnerError;
import org.equibench.protocol.RunSpec;
import org.equibench.task.CnnCifar10Task;

/**
 * Everything the spec gives cnn-cifar10, read and checked (the {@code load} phase's file work): the first
 * {@code n_train} training and {@code n_test} test records, the channel statistics, the batch order and the
 * initial weights (f64), each .npy input checked for the dtype and shape the row needs.
 */
record CnnInputs(CifarRecords train, CifarRecords test, double[] channelMean, double[] channelStd, long[] batches,
                 Map<CnnParameter, double[]> initial) {
    private static final List<String> TRAIN_FILES = List.of("data_batch_1", "data_batch_2", "data_batch_3",
            "data_batch_4", "data_batch_5");

    static CnnInputs read(RunSpec spec, CnnCifar10Task.Params p) throws IOException {
        CifarRecords train = CifarRecords.first(TRAIN_FILES.stream().map(role -> Path.of(spec.input(role))).toList(),
                p.nTrain(), "n_train");
        CifarRecords test = CifarRecords.first(List.of(Path.of(spec.input("test_batch"))), p.nTest(), "n_test");
        double[] mean = NpyInput.read(Path.of(spec.input("channel_mean")), NdArray.DType.F64, 3).values();
        Path stdFile = Path.of(spec.input("channel_std"));
        double[] std = NpyInput.read(stdFile, NdArray.DType.F64, 3).values();
        if (!Arrays.stream(std).allMatch(s -> s > 0)) {
            throw new RunnerError(stdFile.getFileName() + ": standard deviations must be positive, got "
                    + Arrays.toString(std));
        }
        Path batchFile = Path.of(spec.input("batches"));
        long[] batches = NpyInput.read(batchFile, NdArray.DType.I64, p.steps(), p.batchSize()).asLongs();
        if (Arrays.stream(batches).anyMatch(i -> i < 0 || i >= p.nTrain())) {
            throw new RunnerError(batchFile.getFileName() + ": indices must lie in 0.." + (p.nTrain() - 1));
        }
        Map<CnnParameter, double[]> initial = new EnumMap<>(CnnParameter.class);
        for (CnnParameter param : CnnParameter.values()) {
            int[] shape = Arrays.stream(param.shape.getShape()).mapToInt(Math::toIntExact).toArray();
            initial.put(param, NpyInput.read(Path.of(spec.input(param.role)), NdArray.DType.F64, shape).values());
        }
        return new CnnInputs(train, test, mean, std, batches, initial);
    }

    /** The spec's params the task record cannot check by type, worded as the Python runner words them. */
    static void checkSizes(CnnCifar10Task.Params p) {
        int[] sizes = {p.nTrain(), p.nTest(), p.batchSize(), p.steps(), p.f64Steps()};
        String[] names = {"n_train", "n_test", "batch_size", "steps", "f64_steps"};
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new RunnerError("spec: params." + names[i] + " must be at least 1, got " + sizes[i]);
            }
        }
        if (p.f64Steps() > p.steps()) {
            throw new RunnerError("spec: params.f64_steps (" + p.f64Steps() + ") must not exceed params.steps ("
                    + p.steps() + ")");
        }
    }
}
