package org.equibench.impl.bertqa;

import org.equibench.impl.core.JavaRun;

/**
 * A {@code BertForQuestionAnswering} forward pass over one feature (batch 1, never padded), as one engine runs it;
 * everything else (tokens, windows, span choice, timing, outputs) is {@link BertQaAnswering}'s. Public for the
 * Java 21 engine (src/main/java21).
 */
public interface BertQaEngine extends AutoCloseable {

    /** The start and end logits of every position of the feature, read back to host f32 arrays of its length. */
    QaLogits run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) throws Exception;

    /** The model's dimensions as the engine reports them (or the config's, where it exposes none: {@code source} says). */
    BertDimensions dimensions();

    /** Framework, library versions, threads (read back), dtype and native library into the run's report. */
    void describe(JavaRun run) throws Exception;

    /** One feature's logits, f32, one per position. */
    record QaLogits(float[] start, float[] end) {
    }
}
