package org.equibench.impl.cnn;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NllLossValueTest {
    /** −(0.1 + 0.37·i) in f32, i = 0 … 63: a batch where the summation order shows in the last bit. */
    private static float[] batch() {
        float[] picked = new float[64];
        for (int i = 0; i < picked.length; i++) {
            picked[i] = -(0.1f + i * 0.37f);
        }
        return picked;
    }

    @Test
    void matchesLibtorchsNllLossBitForBit() {
        // F.nll_loss(x.reshape(64, 1), zeros(64)) in PyTorch 2.7.1 gives 0x413c147b; -x.mean() gives 11.754999…
        assertThat(Float.floatToIntBits(NllLossValue.mean(batch()))).isEqualTo(0x413c147b);
    }

    @Test
    void f64TermsAreAveragedInTheirOwnType() {
        double[] picked = {-0.5, -1.25, -2.0};
        assertThat(NllLossValue.mean(picked)).isEqualTo((0.5 + 1.25 + 2.0) / 3);
    }
}
