package org.equibench.impl.gpt2;

import java.io.IOException;
import java.util.Map;
import java.nio.FloatBuffer;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaRun;

/**
 * What generation produces, in the layout of the task's outputs (PROTOCOL.md): filled in place by every
 * repetition, so the outputs are the last repetition's and the timed loop allocates nothing for them.
 */
final class GenerationRecord {
    final long[][] promptIds;
    final int newTokens;
    final int vocab;
    /** [prompt][vocab]: the logits of each prompt's last position. */
    final float[] firstLogits;
    /** [prompt][new_tokens]. */
    final long[] generated;
    /** [prompt][new_tokens][2]: largest and second-largest logit of every step, step 0 from the prefill. */
    final float[] top2;
    /** [prompt][new_tokens - 1]: time of each decode step (forward + argmax). */
    final long[] stepNs;

    GenerationRecord(long[][] promptIds, int newTokens, int vocab) {
        this.promptIds = promptIds;
        this.newTokens = newTokens;
        this.vocab = vocab;
        int prompts = promptIds.length;
        firstLogits = new float[prompts * vocab];
        generated = new long[prompts * newTokens];
        top2 = new float[prompts * newTokens * 2];
        stepNs = new long[prompts * (newTokens - 1)];
    }

    int prompts() {
        return promptIds.length;
    }

    /** Prompt {@code p}'s first logits as a buffer indexed from 0. */
    FloatBuffer firstLogits(int p) {
        return FloatBuffer.wrap(firstLogits, p * vocab, vocab).slice();
    }

    void writeOutputs(JavaRun run) throws IOException {
        int prompts = prompts();
        int total = 0;
        for (long[] ids : promptIds) {
            total += ids.length;
        }
        long[] allIds = new long[total];
        long[] lengths = new long[prompts];
        int at = 0;
        for (int p = 0; p < prompts; p++) {
            System.arraycopy(promptIds[p], 0, allIds, at, promptIds[p].length);
            at += promptIds[p].length;
            lengths[p] = promptIds[p].length;
        }
        run.output("prompt_ids", NdArray.labels(allIds));
        run.output("prompt_lengths", NdArray.labels(lengths));
        run.outputs(prefillOutputs());
        run.outputs(decodeOutputs());
        run.output("decode_step_ns", i64(stepNs, prompts, newTokens - 1));
    }

    /** What the prefill phase computed, as it stands (read after each timed repetition, and for the output files). */
    Map<String, NdArray> prefillOutputs() {
        return Map.of("first_logits", f32(firstLogits, prompts(), vocab));
    }

    /** What the decode phase computed, as it stands. */
    Map<String, NdArray> decodeOutputs() {
        return Map.of("generated_ids", i64(generated, prompts(), newTokens), "step_top2", f32(top2, prompts(), newTokens, 2));
    }

    private static NdArray f32(float[] values, int... shape) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i]; // exact: every float is a double
        }
        return new NdArray(NdArray.DType.F32, shape, v);
    }

    private static NdArray i64(long[] values, int... shape) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i]; // exact below 2^53: token ids and nanosecond step times
        }
        return new NdArray(NdArray.DType.I64, shape, v);
    }
}
