package org.equibench.impl.gpt2;

import java.nio.FloatBuffer;
import org.equibench.impl.core.JavaRun;

/**
 * A GPT-2 forward pass with a KV cache, as one engine runs it; everything else (prompts, greedy choice, timing,
 * outputs) is {@link Gpt2Generation}'s. {@code C} is the engine's cache, the keys and values of every layer.
 * An engine never changes the positions a cache it was given holds (it may write later positions in place, as
 * Jlama does), so one prefill cache can start any number of decodes and each computes the same tokens.
 */
public interface Gpt2Engine<C> extends AutoCloseable {

    /** The prompt's ids at positions {@code 0 .. n-1}, from an empty cache. */
    Forward<C> prefill(long[] ids) throws Exception;

    /** One token at {@code position}, after the positions held in {@code cache}. */
    Forward<C> next(C cache, long token, int position) throws Exception;

    /** Frees a cache this engine returned, once nothing will read it again. */
    void release(C cache) throws Exception;

    /** The model's dimensions as the engine reports them; valid once a forward pass has run. */
    ModelDimensions dimensions();

    /** Framework, library versions, threads (read back), dtype and native library into the run's report. */
    void describe(JavaRun run) throws Exception;

    /**
     * What a forward pass gives: the logits of its last position (indices {@code 0 .. vocab-1}), valid until this
     * engine's next call, and the cache extended by the positions it ran.
     */
    record Forward<C>(FloatBuffer logits, C cache) {
    }
}
