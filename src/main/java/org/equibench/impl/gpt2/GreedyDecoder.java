package org.equibench.impl.gpt2;

/**
 * The prefill and decode loops over every prompt for one engine, writing into a {@link GenerationRecord}. The
 * prefill caches are kept between the two phases and never changed by decoding, so every decode repetition
 * starts from the same state and computes the same tokens.
 */
final class GreedyDecoder<C> implements AutoCloseable {
    private final Gpt2Engine<C> engine;
    private final GenerationRecord record;
    private final Object[] prefillCaches;

    GreedyDecoder(Gpt2Engine<C> engine, GenerationRecord record) {
        this.engine = engine;
        this.record = record;
        this.prefillCaches = new Object[record.prompts()];
    }

    /** Every prompt at positions 0 .. n-1 from an empty cache: the first logits and the cache each decode starts from. */
    void prefillAll() throws Exception {
        for (int p = 0; p < record.prompts(); p++) {
            releasePrefill(p);
            Gpt2Engine.Forward<C> f = engine.prefill(record.promptIds[p]);
            requireVocab(f);
            f.logits().get(0, record.firstLogits, p * record.vocab, record.vocab);
            prefillCaches[p] = f.cache();
        }
    }

    /** For every prompt, {@code new_tokens} greedy tokens from its prefill cache, each forward step timed. */
    void decodeAll() throws Exception {
        for (int p = 0; p < record.prompts(); p++) {
            decode(p);
        }
    }

    private void decode(int p) throws Exception {
        int steps = record.newTokens;
        int base = p * steps;
        int stepBase = p * (steps - 1);
        long token = Greedy.pick(record.firstLogits(p), record.top2, 2 * base);
        record.generated[base] = token;
        C prefill = prefillCache(p);
        C cache = prefill;
        int position = record.promptIds[p].length;
        try {
            for (int t = 1; t < steps; t++) {
                long t0 = System.nanoTime();
                Gpt2Engine.Forward<C> f = engine.next(cache, token, position++);
                token = Greedy.pick(f.logits(), record.top2, 2 * (base + t));
                if (cache != prefill) {
                    engine.release(cache); // the previous step's cache; the prefill's stays for the next repetition
                }
                cache = f.cache();
                record.stepNs[stepBase + t - 1] = System.nanoTime() - t0;
                record.generated[base + t] = token;
            }
        } finally {
            if (cache != prefill) {
                engine.release(cache);
            }
        }
    }

    private void requireVocab(Gpt2Engine.Forward<C> f) {
        if (f.logits().limit() != record.vocab) {
            throw new IllegalStateException("the engine returned " + f.logits().limit() + " logits, params.vocab is " + record.vocab);
        }
    }

    @SuppressWarnings("unchecked")
    private C prefillCache(int p) {
        return (C) prefillCaches[p];
    }

    private void releasePrefill(int p) throws Exception {
        if (prefillCaches[p] != null) {
            C c = prefillCache(p);
            prefillCaches[p] = null;
            engine.release(c);
        }
    }

    @Override
    public void close() throws Exception {
        for (int p = 0; p < prefillCaches.length; p++) {
            releasePrefill(p);
        }
    }
}
