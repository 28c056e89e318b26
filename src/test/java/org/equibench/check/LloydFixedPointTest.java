package org.equibench.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.equibench.data.NdArray;
import org.junit.jupiter.api.Test;

class LloydFixedPointTest {
    /** Two clusters on a line: {0, 2} around 1 and {10, 12} around 11. */
    private static final NdArray DATA = NdArray.f64(new double[] {0, 2, 10, 12}, 4, 1);

    @Test
    void theMeansOfANearestCentroidPartitionAreAFixedPoint() {
        LloydFixedPoint.Residuals r = LloydFixedPoint.of(DATA, NdArray.f64(new double[] {1, 11}, 2, 1),
                NdArray.labels(new int[] {0, 0, 1, 1}));
        assertThat(r.misassigned()).isZero();
        assertThat(r.maxMeanGap()).isZero();
        assertThat(r.emptyClusters()).isZero();
    }

    @Test
    void aPointAtAFartherCentroidIsCounted() {
        // 10 labelled with the centroid at 1: the centroid at 11 is nearer
        LloydFixedPoint.Residuals r = LloydFixedPoint.of(DATA, NdArray.f64(new double[] {4, 12}, 2, 1),
                NdArray.labels(new int[] {0, 0, 0, 1}));
        assertThat(r.misassigned()).isEqualTo(1);
        assertThat(r.maxMeanGap()).isZero(); // (0 + 2 + 10) / 3 = 4, and 12 alone: the means hold
    }

    @Test
    void aCentroidAwayFromItsMembersMeanIsMeasuredRelativeToTheData() {
        LloydFixedPoint.Residuals r = LloydFixedPoint.of(DATA, NdArray.f64(new double[] {1, 10.5}, 2, 1),
                NdArray.labels(new int[] {0, 0, 1, 1}));
        assertThat(r.misassigned()).isZero();
        assertThat(r.maxMeanGap()).isEqualTo(0.5 / 12);
    }

    @Test
    void aStepOfLloydFromAnywhereElseIsNotAFixedPoint() {
        // a wrong row that stopped after one update from a bad start: centroids moved to member means of a stale partition
        LloydFixedPoint.Residuals r = LloydFixedPoint.of(NdArray.f64(new double[] {0, 2, 4, 10, 12}, 5, 1),
                NdArray.f64(new double[] {2, 11}, 2, 1), NdArray.labels(new int[] {0, 0, 1, 1, 1}));
        assertThat(r.misassigned()).isEqualTo(1);
        assertThat(r.maxMeanGap()).isGreaterThan(0.1);
    }

    @Test
    void anEmptyClusterIsReported() {
        LloydFixedPoint.Residuals r = LloydFixedPoint.of(DATA, NdArray.f64(new double[] {6, 100}, 2, 1),
                NdArray.labels(new int[] {0, 0, 0, 0}));
        assertThat(r.emptyClusters()).isEqualTo(1);
        assertThat(r.firstEmpty()).isEqualTo(1);
    }

    @Test
    void labelsOutsideTheClustersAreRefusedNamingThePoint() {
        assertThatThrownBy(() -> LloydFixedPoint.of(DATA, NdArray.f64(new double[] {1, 11}, 2, 1),
                NdArray.labels(new int[] {0, 0, 2, 1})))
                .hasMessageContaining("label 2.0 of point 2");
    }
}
