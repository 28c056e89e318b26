package org.equibench.impl.bertqa;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.data.Json;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;

/**
 * Hugging Face {@code tokenizers} (the Rust library, through DJL's binding) on the {@code tokenizer} input: question and
 * context each alone, no special tokens, no truncation, no padding (switched off explicitly and read back). DJL's
 * {@code getCharTokenSpans()} are the Rust library's char offsets, i.e. Unicode code points (Python {@code str} indices),
 * not UTF-16 units: "😀" is one position, as in the Python reference (checked in {@code QaTokenizerTest}), so the
 * offsets are used as they are.
 */
final class QaTokenizer implements AutoCloseable {
    static final long CLS = 101;
    static final long SEP = 102;
    private static final String DO_NOT_TRUNCATE = "DO_NOT_TRUNCATE";
    private static final String DO_NOT_PAD = "DO_NOT_PAD";

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabSize;

    /** A text's tokens and, per token, its [start, end) in code points. */
    record Tokens(long[] ids, int[] starts, int[] ends) {
        int length() {
            return ids.length;
        }
    }

    private QaTokenizer(HuggingFaceTokenizer tokenizer, int vocabSize) {
        this.tokenizer = tokenizer;
        this.vocabSize = vocabSize;
    }

    /** Opens tokenizer.json and checks it against config.json's {@code vocab_size} and the [CLS]/[SEP] ids 101/102. */
    static QaTokenizer open(Path tokenizerJson, int configVocab) throws IOException {
        String name = tokenizerJson.getFileName().toString();
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new RunnerError(name + ": file not found (" + tokenizerJson + ")");
        }
        Vocabulary vocab = Vocabulary.of(tokenizerJson);
        int vocabSize = vocab.size();
        HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerJson)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
        try {
            // read back: a builder option the binding ignored would change the ids without any error
            if (!DO_NOT_TRUNCATE.equals(t.getTruncation()) || !DO_NOT_PAD.equals(t.getPadding())) {
                throw new IllegalStateException("tokenizer still truncates or pads: " + t.getTruncation() + ", " + t.getPadding());
            }
            if (vocabSize != configVocab) {
                throw new RunnerError(name + ": the vocabulary has " + vocabSize + " tokens, config.json's vocab_size is "
                        + configVocab);
            }
            if (vocab.cls() != CLS || vocab.sep() != SEP) {
                throw new RunnerError(name + ": [CLS] and [SEP] have the ids " + vocab.cls() + " and " + vocab.sep()
                        + ", not 101 and 102");
            }
            return new QaTokenizer(t, vocabSize);
        } catch (RuntimeException | Error e) {
            t.close();
            throw e;
        }
    }

    /**
     * What the binding does not expose, read from tokenizer.json itself: the vocabulary's size (the largest id in
     * {@code model.vocab} and {@code added_tokens}, plus one) and the ids of [CLS] and [SEP] in {@code model.vocab}
     * (-1 where absent), the ids this row puts around the question and the window.
     */
    private record Vocabulary(int size, long cls, long sep) {
        static Vocabulary of(Path tokenizerJson) throws IOException {
            String name = tokenizerJson.getFileName().toString();
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(tokenizerJson.toFile());
            } catch (IOException e) {
                throw new RunnerError(name + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            JsonNode vocab = root == null ? null : root.path("model").get("vocab");
            if (vocab == null || !vocab.isObject()) {
                throw new RunnerError(name + ": field model.vocab is missing (not a WordPiece tokenizer.json)");
            }
            int max = -1;
            for (JsonNode id : (Iterable<JsonNode>) vocab::elements) {
                max = Math.max(max, id.asInt());
            }
            for (JsonNode added : root.path("added_tokens")) {
                max = Math.max(max, added.path("id").asInt(-1));
            }
            return new Vocabulary(max + 1, vocab.path("[CLS]").asLong(-1), vocab.path("[SEP]").asLong(-1));
        }
    }

    Tokens encode(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int[] starts = new int[ids.length];
        int[] ends = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            starts[i] = spans[i].getStart();
            ends[i] = spans[i].getEnd();
        }
        return new Tokens(ids, starts, ends);
    }

    int vocabSize() {
        return vocabSize;
    }

    void describe(JavaRun run) {
        // DJL reports "<tokenizers version>-<DJL version>", e.g. 0.21.0-0.35.1
        run.library("huggingface-tokenizers (DJL binding)", tokenizer.getVersion());
        run.note("questions and contexts tokenized by Hugging Face tokenizers (DJL binding " + tokenizer.getVersion()
                + ") from tokenizer.json, each alone: no special tokens, " + tokenizer.getTruncation() + ", "
                + tokenizer.getPadding() + "; offsets are its char spans (Unicode code points)");
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
