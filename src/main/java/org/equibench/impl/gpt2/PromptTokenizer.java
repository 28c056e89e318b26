package org.equibench.impl.gpt2;

import org.equibench.impl.core.JavaRun;

/** How a row turns a prompt into GPT-2 token ids: exactly the BPE's ids, no special tokens, no truncation or padding. */
interface PromptTokenizer extends AutoCloseable {
    long[] encode(String prompt);

    /** The tokenizer library and its settings, as read back, into the run's report. */
    void describe(JavaRun run);

    @Override
    void close();
}
