package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.equibench.impl.core.JavaRun;
import org.junit.jupiter.api.Test;

/** The loop every engine shares, on a fake engine whose next token is a known function of the last one. */
class GreedyDecoderTest {
    private static final int VOCAB = 7;

    /** A cache that knows how many positions it holds; the engine records which caches are alive. */
    private record FakeCache(int id, int positions) {
    }

    private static final class FakeEngine implements Gpt2Engine<FakeCache> {
        final Set<FakeCache> live = new HashSet<>();
        final List<Integer> positionsFed = new ArrayList<>();
        private int nextId;

        @Override
        public Forward<FakeCache> prefill(long[] ids) {
            long sum = 0;
            for (long id : ids) {
                sum += id;
            }
            return forward(sum % VOCAB, ids.length);
        }

        @Override
        public Forward<FakeCache> next(FakeCache cache, long token, int position) {
            assertThat(live).as("decoding from a released cache").contains(cache);
            assertThat(position).as("the next position after the cache").isEqualTo(cache.positions());
            positionsFed.add(position);
            return forward((token + 3) % VOCAB, cache.positions() + 1);
        }

        private Forward<FakeCache> forward(long best, int positions) {
            float[] logits = new float[VOCAB];
            logits[(int) best] = 2f;
            logits[(int) ((best + 1) % VOCAB)] = 1f;
            FakeCache cache = new FakeCache(nextId++, positions);
            live.add(cache);
            return new Forward<>(FloatBuffer.wrap(logits), cache);
        }

        @Override
        public void release(FakeCache cache) {
            assertThat(live.remove(cache)).as("released twice").isTrue();
        }

        @Override
        public ModelDimensions dimensions() {
            return new ModelDimensions(1, 1, 1, VOCAB);
        }

        @Override
        public void describe(JavaRun run) {
        }

        @Override
        public void close() {
        }
    }

    @Test
    void decodesNewTokensGreedilyAtTheNextPositionsAndKeepsOnlyThePrefillCaches() throws Exception {
        long[][] prompts = {{1, 2}, {4, 4, 4}};
        GenerationRecord record = new GenerationRecord(prompts, 4, VOCAB);
        FakeEngine engine = new FakeEngine();
        try (GreedyDecoder<FakeCache> decoder = new GreedyDecoder<>(engine, record)) {
            decoder.prefillAll();
            assertThat(engine.live).hasSize(2);
            decoder.decodeAll();

            // token 0 is the prefill argmax (sum of ids mod 7), then each token is the previous + 3 mod 7
            assertThat(record.generated).containsExactly(3, 6, 2, 5, 5, 1, 4, 0);
            assertThat(engine.positionsFed).containsExactly(2, 3, 4, 3, 4, 5);
            assertThat(record.top2).containsExactly(2f, 1f, 2f, 1f, 2f, 1f, 2f, 1f, 2f, 1f, 2f, 1f, 2f, 1f, 2f, 1f);
            assertThat(record.firstLogits[3]).isEqualTo(2f);
            assertThat(record.stepNs).hasSize(6);
            assertThat(Arrays.stream(record.stepNs).min().orElseThrow()).as("every step timed").isPositive();
            // every step's cache was released; the two prefill caches are intact for another repetition
            assertThat(engine.live).extracting(FakeCache::positions).containsExactlyInAnyOrder(2, 3);

            long[] first = record.generated.clone();
            decoder.decodeAll();
            assertThat(record.generated).containsExactly(first);
            assertThat(engine.live).hasSize(2);

            decoder.prefillAll(); // a new prefill repetition frees the previous prefill caches
            assertThat(engine.live).hasSize(2);
        }
        assertThat(engine.live).isEmpty();
    }

    @Test
    void oneNewTokenNeedsNoDecodeStep() throws Exception {
        GenerationRecord record = new GenerationRecord(new long[][] {{5}}, 1, VOCAB);
        FakeEngine engine = new FakeEngine();
        try (GreedyDecoder<FakeCache> decoder = new GreedyDecoder<>(engine, record)) {
            decoder.prefillAll();
            decoder.decodeAll();
        }
        assertThat(record.generated).containsExactly(5);
        assertThat(record.stepNs).isEmpty();
        assertThat(engine.positionsFed).isEmpty();
    }
}
