package org.equibench.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The process is the unit that varies: three JVMs, two settled in a fast JIT mode and one in a slow one, give an
 * interval that a pooled bootstrap would make far too narrow.
 */
class TwoLevelBootstrapTest {
    private static double[] process(double centre, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] s = new double[10];
        for (int i = 0; i < s.length; i++) {
            s[i] = centre * (1 + 0.01 * rng.nextGaussian());
        }
        return s;
    }

    private static final double[][] BIMODAL = {process(13e6, 1), process(13.2e6, 2), process(20.5e6, 3)};

    @Test
    void processesFirstThenSamplesGivesTheSpreadBetweenProcesses() {
        double[] pooled = new double[30];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(BIMODAL[i], 0, pooled, 10 * i, 10);
        }
        double[] naive = Bootstrap.medianCi95(pooled);
        double[] twoLevel = Bootstrap.medianCi95(BIMODAL);
        // drawing the slow process twice (or never) moves the median from one mode to the other
        assertThat(twoLevel[0]).isLessThan(13.2e6);
        assertThat(twoLevel[1]).isGreaterThan(20e6);
        assertThat(naive[1]).as("pooled as if independent, the slow mode stays out of the interval").isLessThan(20e6);
    }

    @Test
    void oneProcessIsTheOneLevelBootstrap() {
        double[] one = process(5e6, 9);
        assertThat(Bootstrap.medianCi95(new double[][] {one})).containsExactly(Bootstrap.medianCi95(one));
    }

    @Test
    void processesInSeparateModesAreFound() {
        assertThat(ProcessModes.of(new double[] {13.0, 20.4, 13.2})).containsExactly(
                new ProcessModes.Mode(13.1, 2), new ProcessModes.Mode(20.4, 1));
        assertThat(ProcessModes.of(new double[] {14, 15, 16.5})).isEmpty();
        assertThat(ProcessModes.of(new double[] {14})).isEmpty();
    }
}
