package org.equibench.impl.bertqa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The windows over the context (Hugging Face's overflow with stride) and the layout of each feature. */
class FeatureTest {

    /** Context token k has id 1000 + k and characters [10k, 10k + 5). */
    private static QaTokenizer.Tokens context(int n) {
        long[] ids = LongStream.range(0, n).map(k -> 1000 + k).toArray();
        int[] starts = new int[n];
        int[] ends = new int[n];
        for (int k = 0; k < n; k++) {
            starts[k] = 10 * k;
            ends[k] = 10 * k + 5;
        }
        return new QaTokenizer.Tokens(ids, starts, ends);
    }

    private static long[] contextIds(Feature f) {
        return Arrays.copyOfRange(f.inputIds(), f.contextStart(), f.contextEnd());
    }

    @Test
    void windowsOverlapByTheStrideUntilOneReachesTheEnd() {
        // room = 15 - 3 - 3 = 9 context tokens a window, each starting 9 - 4 = 5 after the previous
        List<Feature> features = Feature.of(7, new long[] {5, 6, 7}, context(20), 15, 4, 64);
        assertThat(features).extracting(f -> contextIds(f)[0] - 1000).containsExactly(0L, 5L, 10L, 15L);
        assertThat(features).extracting(f -> f.contextEnd() - f.contextStart()).containsExactly(9, 9, 9, 5);
        assertThat(features).allSatisfy(f -> assertThat(f.question()).isEqualTo(7));
        // consecutive windows share doc_stride tokens
        assertThat(Arrays.copyOfRange(contextIds(features.get(0)), 5, 9))
                .containsExactly(Arrays.copyOfRange(contextIds(features.get(1)), 0, 4));
    }

    @Test
    void aContextThatFitsGivesOneWindowAndNoEmptyOneAfterIt() {
        assertThat(Feature.of(0, new long[] {5, 6, 7}, context(9), 15, 4, 64)).hasSize(1);
        assertThat(Feature.of(0, new long[] {5, 6, 7}, context(10), 15, 4, 64)).hasSize(2);
    }

    @Test
    void aFeatureIsClsQuestionSepWindowSepWithTypesMaskAndOffsets() {
        Feature f = Feature.of(0, new long[] {5, 6}, context(3), 384, 128, 64).get(0);
        assertThat(f.inputIds()).containsExactly(101, 5, 6, 102, 1000, 1001, 1002, 102);
        assertThat(f.tokenTypeIds()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
        assertThat(f.attentionMask()).containsOnly(1).hasSize(8);
        assertThat(f.starts()).containsExactly(-1, -1, -1, -1, 0, 10, 20, -1);
        assertThat(f.ends()).containsExactly(-1, -1, -1, -1, 5, 15, 25, -1);
        assertThat(f.contextStart()).isEqualTo(4);
        assertThat(f.contextEnd()).isEqualTo(7);
    }

    @Test
    void aLongQuestionKeepsItsFirstMaxQueryLengthTokensAndTheRoomFollows() {
        long[] question = LongStream.range(0, 10).map(k -> 2000 + k).toArray();
        // q cut to 4 tokens: room = 20 - 4 - 3 = 13
        List<Feature> features = Feature.of(0, question, context(13), 20, 2, 4);
        assertThat(features).hasSize(1);
        Feature f = features.get(0);
        assertThat(Arrays.copyOfRange(f.inputIds(), 1, 5)).containsExactly(2000, 2001, 2002, 2003);
        assertThat(f.inputIds()[5]).isEqualTo(102);
        assertThat(f.length()).isEqualTo(20);
    }

    @Test
    void anEmptyContextGivesOneWindowWithoutContextTokens() {
        List<Feature> features = Feature.of(0, new long[] {5}, context(0), 384, 128, 64);
        assertThat(features).hasSize(1);
        assertThat(features.get(0).inputIds()).containsExactly(101, 5, 102, 102);
        assertThat(features.get(0).tokenTypeIds()).containsExactly(0, 0, 0, 1);
        assertThat(features.get(0).contextEnd()).isEqualTo(features.get(0).contextStart());
    }
}
