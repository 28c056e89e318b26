package org.equibench.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.equibench.data.NdArray;
import org.junit.jupiter.api.Test;

/** The harness's batch order: each epoch a permutation of the training set, cut into full batches. */
class CnnCifar10BatchesTest {
    @Test
    void everyEpochVisitsEachImageOnceAndEpochsDiffer() {
        CnnCifar10Task.Params p = new CnnCifar10Task.Params(100, 10, 16, 12, 3, 1e-3, 0.9, 0.999, 1e-8, 0.0);
        NdArray batches = CnnCifar10Task.batches(p);
        assertThat(batches.shape()).containsExactly(12, 16);
        int perEpoch = 100 / 16; // 6 full batches; the 4 images left over are dropped
        double[] first = Arrays.copyOfRange(batches.values(), 0, perEpoch * 16);
        double[] second = Arrays.copyOfRange(batches.values(), perEpoch * 16, 2 * perEpoch * 16);
        assertThat(Arrays.stream(first).distinct().count()).isEqualTo(perEpoch * 16);
        assertThat(Arrays.stream(second).distinct().count()).isEqualTo(perEpoch * 16);
        assertThat(Arrays.stream(first).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
        assertThat(Arrays.stream(first).max().orElseThrow()).isLessThanOrEqualTo(99.0);
        assertThat(second).isNotEqualTo(first);
    }

    @Test
    void initialWeightsUsePyTorchsFanIn() {
        assertThat(CnnCifar10Task.fanIn("conv1_weight")).isEqualTo(27);
        assertThat(CnnCifar10Task.fanIn("conv2_bias")).isEqualTo(288);
        assertThat(CnnCifar10Task.fanIn("fc1_weight")).isEqualTo(4096);
        assertThat(CnnCifar10Task.fanIn("fc2_bias")).isEqualTo(512);
    }
}
