package org.equibench.impl.gpt2;

import java.util.List;
import org.equibench.impl.core.RunnerError;

/** The prompts as token ids, each checked to have tokens and to fit, with the tokens to generate, in the context. */
final class PromptIds {
    private PromptIds() {
    }

    static long[][] of(PromptTokenizer tokenizer, List<String> prompts, String file, int newTokens, int context) {
        long[][] ids = new long[prompts.size()][];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = tokenizer.encode(prompts.get(i));
            String where = file + " line " + (i + 1);
            if (ids[i].length == 0) {
                throw new RunnerError(where + ": the prompt has no tokens");
            }
            // the last generated token is never fed back: positions 0 .. n + new_tokens - 2
            int positions = ids[i].length + newTokens - 1;
            if (positions > context) {
                throw new RunnerError(where + ": " + ids[i].length + " prompt tokens and " + newTokens
                        + " new tokens need " + positions + " positions, params.context is " + context);
            }
        }
        return ids;
    }
}
