package org.equibench.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class SeededGeneratorsTest {
    @Test
    void permutationIsAPermutationAndDeterministic() {
        long[] p = SeededGenerators.permutation(150, 42);
        assertThat(Arrays.stream(p).sorted().toArray()).containsExactly(LongStream.range(0, 150).toArray());
        assertThat(p).isEqualTo(SeededGenerators.permutation(150, 42)).isNotEqualTo(SeededGenerators.permutation(150, 43));
        assertThat(p).isNotEqualTo(LongStream.range(0, 150).toArray());
    }

    @Test
    void uniformStaysInItsRange() {
        double[] v = SeededGenerators.uniform(new SplittableRandom(42), 10_000, 1.5);
        assertThat(Arrays.stream(v).min().orElseThrow()).isGreaterThanOrEqualTo(-1.5);
        assertThat(Arrays.stream(v).max().orElseThrow()).isLessThan(1.5);
        assertThat(Arrays.stream(v).average().orElseThrow()).isBetween(-0.05, 0.05);
    }
}
