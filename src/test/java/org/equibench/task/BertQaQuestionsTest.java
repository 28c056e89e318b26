package org.equibench.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.data.Json;
import org.equibench.data.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where bert-qa's questions come from: the synthetic SQuAD file, or a real dev set checked by its published MD5. */
class BertQaQuestionsTest {
    @TempDir
    Path root;

    @Test
    void withoutARealDevSetTheSyntheticFileIsWrittenTheSameEveryTime() throws IOException {
        Path first = BertQaTask.squad(root, Files.createDirectories(root.resolve("a")));
        Path second = BertQaTask.squad(root, Files.createDirectories(root.resolve("b")));
        assertThat(Sha256.of(first)).isEqualTo(Sha256.of(second));
        JsonNode squad = Json.MAPPER.readTree(first.toFile());
        assertThat(squad.get("version").asText()).isEqualTo("v2.0");
        int questions = 0;
        int impossible = 0;
        for (JsonNode article : squad.get("data")) {
            for (JsonNode paragraph : article.get("paragraphs")) {
                String context = paragraph.get("context").asText();
                for (JsonNode qa : paragraph.get("qas")) {
                    questions++;
                    if (qa.get("is_impossible").asBoolean()) {
                        impossible++;
                        continue;
                    }
                    JsonNode answer = qa.get("answers").get(0);
                    int start = answer.get("answer_start").asInt();
                    // every answer is where answer_start says it is
                    assertThat(context.substring(start, start + answer.get("text").asText().length()))
                            .isEqualTo(answer.get("text").asText());
                }
            }
        }
        assertThat(questions).isGreaterThanOrEqualTo(60);
        assertThat(impossible).isPositive().isLessThan(questions / 3);
    }

    @Test
    void aDevSetWhoseMd5IsNotThePublishedOneIsRefused() throws IOException {
        Path real = root.resolve(BertQaTask.SQUAD_DEV);
        Files.createDirectories(real.getParent());
        Files.writeString(real, "{\"version\": \"v2.0\", \"data\": []}");
        assertThatThrownBy(() -> BertQaTask.squad(root, root))
                .hasMessageContaining("squad_dev.json: MD5").hasMessageContaining(BertQaTask.SQUAD_DEV_MD5);
    }
}
