package org.equibench.impl.bertqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.data.Json;
import org.equibench.impl.core.RunnerError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DJL's Hugging Face tokenizer on a small uncased WordPiece tokenizer.json (src/test/resources/bertqa/tokenizer.json:
 * [PAD], [unused0..98], [UNK]=100, [CLS]=101, [SEP]=102, [MASK]=103 and 20 words, BertNormalizer lowercase + strip
 * accents, BertPreTokenizer; 124 tokens; written with Python tokenizers 0.23.3). The expected ids and offsets are the
 * ones Python's tokenizers gives for the same text.
 */
class QaTokenizerTest {
    private static final String TEXT = "Café déjà vu — naïve 😀 coöperate in Zürich, 東京 résumé.";

    @TempDir
    Path dir;

    private static Path fixture() throws URISyntaxException {
        return Path.of(QaTokenizerTest.class.getResource("/bertqa/tokenizer.json").toURI());
    }

    @Test
    void offsetsAreUnicodeCodePointsAsPythonStrIndicesNotUtf16Units() throws Exception {
        try (QaTokenizer t = QaTokenizer.open(fixture(), 124)) {
            QaTokenizer.Tokens tokens = t.encode(TEXT);
            assertThat(tokens.ids()).containsExactly(104, 105, 106, 107, 108, 109, 100, 110, 111, 112, 113, 114, 115, 116, 117);
            // 😀 is one code point (two UTF-16 units): [21, 22), and every later offset is not shifted by it
            assertThat(tokens.starts()).containsExactly(0, 5, 7, 10, 13, 15, 21, 23, 33, 36, 42, 44, 45, 47, 53);
            assertThat(tokens.ends()).containsExactly(4, 7, 9, 12, 14, 20, 22, 32, 35, 42, 43, 45, 46, 53, 54);
            assertThat(TEXT.codePointCount(0, TEXT.length())).isEqualTo(54);
        }
    }

    @Test
    void noSpecialTokensAreAddedAndAnEmptyTextHasNoTokens() throws Exception {
        try (QaTokenizer t = QaTokenizer.open(fixture(), 124)) {
            assertThat(t.encode("What is the cafe?").ids()).containsExactly(118, 119, 121, 104, 120);
            assertThat(t.encode("").ids()).isEmpty();
            assertThat(t.encode(" \t ").ids()).isEmpty();
        }
    }

    @Test
    void aVocabularyOfAnotherSizeThanConfigJsonsIsAnErrorNamingTheFile() {
        assertThatThrownBy(() -> QaTokenizer.open(fixture(), 30522)).isInstanceOf(RunnerError.class)
                .hasMessage("tokenizer.json: the vocabulary has 124 tokens, config.json's vocab_size is 30522");
    }

    @Test
    void clsAndSepMustBe101And102() throws Exception {
        Path moved = dir.resolve("tokenizer.json");
        // [CLS] and [MASK] swap their ids, in the vocabulary and in the added tokens
        ObjectNode root = (ObjectNode) Json.MAPPER.readTree(fixture().toFile());
        ((ObjectNode) root.path("model").path("vocab")).put("[CLS]", 103).put("[MASK]", 101);
        for (JsonNode added : root.path("added_tokens")) {
            String content = added.path("content").asText();
            if (content.equals("[CLS]") || content.equals("[MASK]")) {
                ((ObjectNode) added).put("id", content.equals("[CLS]") ? 103 : 101);
            }
        }
        String json = Json.MAPPER.writeValueAsString(root);
        Files.writeString(moved, json);
        assertThatThrownBy(() -> QaTokenizer.open(moved, 124)).isInstanceOf(RunnerError.class)
                .hasMessage("tokenizer.json: [CLS] and [SEP] have the ids 103 and 102, not 101 and 102");
    }

    @Test
    void aMissingFileIsNamed() {
        assertThatThrownBy(() -> QaTokenizer.open(dir.resolve("tokenizer.json"), 124)).isInstanceOf(RunnerError.class)
                .hasMessageStartingWith("tokenizer.json: file not found");
    }
}
