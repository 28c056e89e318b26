package org.equibench.impl.gpt2;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;

/**
 * Hugging Face {@code tokenizers} (the Rust library, through DJL's binding) on the {@code tokenizer} input
 * ({@code tokenizer.json}). Special tokens, truncation and padding are switched off explicitly rather than left to
 * the file or DJL's defaults: GPT-2's prompt ids are the plain byte-level BPE of the text.
 */
final class HfPromptTokenizer implements PromptTokenizer {
    private static final String DO_NOT_TRUNCATE = "DO_NOT_TRUNCATE";
    private static final String DO_NOT_PAD = "DO_NOT_PAD";
    private final HuggingFaceTokenizer tokenizer;

    private HfPromptTokenizer(HuggingFaceTokenizer tokenizer) {
        this.tokenizer = tokenizer;
    }

    static HfPromptTokenizer open(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new RunnerError(tokenizerJson.getFileName() + ": file not found (" + tokenizerJson + ")");
        }
        HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
        // read back: a builder option the binding ignored would change the ids without any error
        if (!DO_NOT_TRUNCATE.equals(t.getTruncation()) || !DO_NOT_PAD.equals(t.getPadding())) {
            String found = t.getTruncation() + ", " + t.getPadding();
            t.close();
            throw new IllegalStateException("tokenizer still truncates or pads: " + found);
        }
        return new HfPromptTokenizer(t);
    }

    @Override
    public long[] encode(String prompt) {
        Encoding e = tokenizer.encode(prompt, false, false);
        return e.getIds();
    }

    @Override
    public void describe(JavaRun run) {
        // DJL reports "<tokenizers version>-<DJL version>", e.g. 0.21.0-0.35.1
        run.library("huggingface-tokenizers (DJL binding)", tokenizer.getVersion());
        run.note("prompts tokenized by Hugging Face tokenizers (DJL binding " + tokenizer.getVersion()
                + ") from tokenizer.json: no special tokens, " + tokenizer.getTruncation() + ", " + tokenizer.getPadding());
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
