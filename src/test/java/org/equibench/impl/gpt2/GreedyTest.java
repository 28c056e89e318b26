package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class GreedyTest {
    private static int pick(float[] logits, float[] top2) {
        return Greedy.pick(FloatBuffer.wrap(logits), top2, 0);
    }

    @Test
    void argmaxTakesTheLowestIdAmongEqualMaxima() {
        float[] top2 = new float[2];
        assertThat(pick(new float[] {0.5f, 2f, -1f, 2f, 2f}, top2)).isEqualTo(1);
        assertThat(top2).containsExactly(2f, 2f);
    }

    @Test
    void topTwoAreTheLargestAndSecondLargestWhereverTheyAre() {
        float[] top2 = new float[2];
        assertThat(pick(new float[] {3f, -7f, 1f, 2.5f}, top2)).isZero();
        assertThat(top2).containsExactly(3f, 2.5f);
        assertThat(pick(new float[] {-4f, -3f, -2f, -1f}, top2)).isEqualTo(3);
        assertThat(top2).containsExactly(-1f, -2f);
    }

    @Test
    void writesTopTwoAtTheGivenOffsetOfTheStepArray() {
        float[] top2 = new float[6];
        Greedy.pick(FloatBuffer.wrap(new float[] {1f, 9f, 4f}), top2, 2);
        assertThat(top2).containsExactly(0f, 0f, 9f, 4f, 0f, 0f);
    }

    @Test
    void readsOnlyTheBufferFromIndexZeroToItsLimit() {
        // a slice of a larger array, as engines hand over the last position of [s, vocab] logits
        FloatBuffer lastRow = FloatBuffer.wrap(new float[] {100f, 100f, 1f, 5f, 3f}, 2, 3).slice();
        float[] top2 = new float[2];
        assertThat(Greedy.pick(lastRow, top2, 0)).isEqualTo(1);
        assertThat(top2).containsExactly(5f, 3f);
    }

    @Test
    void aNanLogitFailsNamingItsTokenId() {
        assertThatThrownBy(() -> pick(new float[] {1f, Float.NaN, 0f}, new float[2]))
                .hasMessage("logit of token id 1 is NaN");
        assertThatThrownBy(() -> pick(new float[] {Float.NaN, 1f}, new float[2]))
                .hasMessage("logit of token id 0 is NaN");
    }
}
