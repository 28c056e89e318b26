package org.equibench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatisticsTest {
    @Test
    void percentilesInterpolateLikeNumpy() {
        double[] v = {5, 1, 4, 2, 3};
        assertThat(Statistics.median(v)).isEqualTo(3);
        assertThat(Statistics.median(new double[] {4, 1, 2, 3})).isEqualTo(2.5);
        // numpy.percentile([1,2,3,4,5], 95) == 4.8
        assertThat(Statistics.percentile(v, 95)).isCloseTo(4.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Statistics.min(v)).isEqualTo(1);
    }

    @Test
    void readsThisProcessMemory() {
        assertThat(ProcMemory.rssBytes()).isPositive();
        assertThat(ProcMemory.highWaterMarkBytes()).isGreaterThanOrEqualTo(ProcMemory.rssBytes() / 2);
    }

    @Test
    void phaseMeterTimesEveryRepetitionAndSeesAllocation() throws Exception {
        PhaseMeter meter = new PhaseMeter(2, 0, 4);
        int[] calls = {0};
        var s = meter.measure(3, () -> {
            calls[0]++;
            byte[] garbage = new byte[1 << 20];
            garbage[7] = 1;
        });
        assertThat(calls[0]).isEqualTo(6);
        assertThat(s.samplesNs()).hasSize(4).allSatisfy(ns -> assertThat(ns).isPositive());
        assertThat(s.opsPerSample()).isEqualTo(3);
        assertThat(s.allocatedBytes()).isGreaterThanOrEqualTo(1 << 20);
        var none = meter.measure(1, () -> calls[0]++);
        assertThat(none.allocatedBytes()).isLessThan(64);
    }
}
