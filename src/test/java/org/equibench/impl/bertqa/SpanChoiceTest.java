package org.equibench.impl.bertqa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The exhaustive span choice: j ≥ i, at most max_answer_tokens, f64 sums, first pair on ties, across features. */
class SpanChoiceTest {

    /** A feature with a 2-token question (context from position 4) and {@code n} context tokens. */
    private static Feature feature(int n) {
        return Feature.of(0, new long[] {5, 6}, new QaTokenizer.Tokens(new long[n], new int[n], new int[n]), 384, 128, 64).get(0);
    }

    private static float[] logits(int length, int... positionValue) {
        float[] l = new float[length];
        for (int k = 0; k < positionValue.length; k += 2) {
            l[positionValue[k]] = positionValue[k + 1];
        }
        return l;
    }

    @Test
    void theEndIsNeverBeforeTheStart() {
        Feature f = feature(4); // context positions 4..7, length 9
        // the best start is after the best end: the pair (6, 5) (20) is not allowed; (6, 6) is 11, (4..5, 5) 10
        float[] start = logits(9, 6, 10);
        float[] end = logits(9, 5, 10, 6, 1);
        SpanChoice.Span span = SpanChoice.best(List.of(f), List.of(start), List.of(end), 30);
        assertThat(span).isEqualTo(new SpanChoice.Span(0, 6, 6));
    }

    @Test
    void specialAndQuestionPositionsAreNeverChosen() {
        Feature f = feature(2); // [CLS] q q [SEP] c c [SEP]: context at 4, 5
        float[] start = logits(7, 0, 100, 1, 100, 6, 100, 5, 1);
        float[] end = logits(7, 0, 100, 3, 100, 6, 100, 5, 1);
        assertThat(SpanChoice.best(List.of(f), List.of(start), List.of(end), 30)).isEqualTo(new SpanChoice.Span(0, 5, 5));
    }

    @Test
    void aSpanLongerThanMaxAnswerTokensIsNotConsidered() {
        Feature f = feature(10); // context 4..13
        float[] start = logits(15, 4, 10);
        float[] end = logits(15, 8, 10, 7, 9);
        // (4, 8) is 5 tokens: allowed with 5, not with 4, where (4, 7) wins
        assertThat(SpanChoice.best(List.of(f), List.of(start), List.of(end), 5)).isEqualTo(new SpanChoice.Span(0, 4, 8));
        assertThat(SpanChoice.best(List.of(f), List.of(start), List.of(end), 4)).isEqualTo(new SpanChoice.Span(0, 4, 7));
    }

    @Test
    void tiesGoToTheFirstPairInFeatureThenStartThenEndOrder() {
        Feature f = feature(3); // context 4..6
        float[] flat = new float[8];
        // all scores equal: the first pair (feature 0, 4, 4)
        assertThat(SpanChoice.best(List.of(f, f), List.of(flat, flat), List.of(flat, flat), 30))
                .isEqualTo(new SpanChoice.Span(0, 4, 4));
        // equal best in feature 0 at (5, 6) and feature 1 at (4, 4): feature 0's
        float[] s0 = logits(8, 5, 3);
        float[] e0 = logits(8, 6, 3);
        float[] s1 = logits(8, 4, 3);
        float[] e1 = logits(8, 4, 3);
        assertThat(SpanChoice.best(List.of(f, f), List.of(s0, s1), List.of(e0, e1), 30)).isEqualTo(new SpanChoice.Span(0, 5, 6));
        // a strictly larger score in a later feature replaces it
        e1[4] = 3.5f;
        assertThat(SpanChoice.best(List.of(f, f), List.of(s0, s1), List.of(e0, e1), 30)).isEqualTo(new SpanChoice.Span(1, 4, 4));
    }

    @Test
    void scoresAreSummedInDoubleNotInFloat() {
        Feature f = feature(3); // context 4..6
        float big = 16777216f; // 2^24: 2^24 + 1 rounds back to 2^24 in f32
        float[] start = logits(8);
        float[] end = logits(8);
        start[4] = big;
        start[5] = big;
        end[5] = 1f;
        // in f32 (4, 4) and (5, 5) tie at 2^24 and the first would win; in f64 (4, 5) = (5, 5) = 2^24 + 1 > 2^24
        assertThat(SpanChoice.best(List.of(f), List.of(start), List.of(end), 30)).isEqualTo(new SpanChoice.Span(0, 4, 5));
    }

    @Test
    void aQuestionWithoutContextTokensHasNoAnswer() {
        Feature f = feature(0);
        assertThat(SpanChoice.best(List.of(f), List.of(new float[4]), List.of(new float[4]), 30)).isEqualTo(SpanChoice.NONE);
        assertThat(SpanChoice.NONE.found()).isFalse();
    }
}
