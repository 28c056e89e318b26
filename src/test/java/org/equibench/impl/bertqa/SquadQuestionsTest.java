package org.equibench.impl.bertqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equibench.impl.core.RunnerError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SQuAD 2.0 reader: document order, the first question_count, and errors naming the file and the JSON path. */
class SquadQuestionsTest {
    private static final String TWO_ARTICLES = """
            {"version": "v2.0", "data": [
              {"title": "A", "paragraphs": [
                {"context": "First context.", "qas": [
                  {"id": "a1", "question": "Q1?", "answers": [{"text": "First", "answer_start": 0}], "is_impossible": false},
                  {"id": "a2", "question": "Q2?", "answers": [], "is_impossible": true}]},
                {"context": "Second context.", "qas": [{"id": "a3", "question": "Q3?", "answers": []}]}]},
              {"title": "B", "paragraphs": [
                {"context": "Third context.", "qas": [{"id": "b1", "question": "Q4?"}]}]}]}
            """;

    @TempDir
    Path dir;

    private Path squad(String json) throws Exception {
        return Files.writeString(dir.resolve("squad.json"), json);
    }

    @Test
    void takesTheFirstQuestionsInDataParagraphsQasOrderWithTheirContexts() throws Exception {
        List<SquadQuestions.Question> q = SquadQuestions.read(squad(TWO_ARTICLES), 4);
        assertThat(q).extracting(SquadQuestions.Question::id).containsExactly("a1", "a2", "a3", "b1");
        assertThat(q).extracting(SquadQuestions.Question::context)
                .containsExactly("First context.", "First context.", "Second context.", "Third context.");
        assertThat(q.get(3).path()).isEqualTo("data[1].paragraphs[0].qas[0]");
        assertThat(SquadQuestions.read(squad(TWO_ARTICLES), 2)).extracting(SquadQuestions.Question::question)
                .containsExactly("Q1?", "Q2?");
    }

    @Test
    void itemsAfterTheLastQuestionNeededAreNotRead() throws Exception {
        String broken = TWO_ARTICLES.replace("{\"id\": \"b1\", \"question\": \"Q4?\"}", "{\"id\": \"b1\"}");
        assertThat(SquadQuestions.read(squad(broken), 3)).hasSize(3);
    }

    @Test
    void fewerQuestionsThanQuestionCountIsAnError() throws Exception {
        Path file = squad(TWO_ARTICLES);
        assertThatThrownBy(() -> SquadQuestions.read(file, 5)).isInstanceOf(RunnerError.class)
                .hasMessage("squad.json: 4 questions, but params.question_count is 5");
    }

    @Test
    void aMissingQuestionNamesItsJsonPath() throws Exception {
        Path file = squad(TWO_ARTICLES.replace("\"question\": \"Q3?\", ", ""));
        assertThatThrownBy(() -> SquadQuestions.read(file, 4)).isInstanceOf(RunnerError.class)
                .hasMessage("squad.json: data[0].paragraphs[1].qas[0]: field \"question\" is missing");
    }

    @Test
    void aFieldOfTheWrongTypeNamesItsPathAndWhatItFound() throws Exception {
        Path context = squad(TWO_ARTICLES.replace("\"Second context.\"", "42"));
        assertThatThrownBy(() -> SquadQuestions.read(context, 4)).isInstanceOf(RunnerError.class)
                .hasMessage("squad.json: data[0].paragraphs[1]: field \"context\" is not a string but a number");
        Path qas = squad(TWO_ARTICLES.replace("\"qas\": [{\"id\": \"b1\", \"question\": \"Q4?\"}]", "\"qas\": {}"));
        assertThatThrownBy(() -> SquadQuestions.read(qas, 4)).isInstanceOf(RunnerError.class)
                .hasMessage("squad.json: data[1].paragraphs[0]: field \"qas\" is not an array but an object");
        Path article = squad("{\"data\": [[]]}");
        assertThatThrownBy(() -> SquadQuestions.read(article, 1)).isInstanceOf(RunnerError.class)
                .hasMessage("squad.json: data[0]: not a JSON object but an array");
    }

    @Test
    void noDataArrayIsAnError() throws Exception {
        Path file = squad("{\"version\": \"v2.0\"}");
        assertThatThrownBy(() -> SquadQuestions.read(file, 1)).isInstanceOf(RunnerError.class)
                .hasMessage("squad.json: field \"data\" is missing");
    }

    @Test
    void malformedJsonNamesTheFileAndTheLine() throws Exception {
        Path file = squad("{\"data\": [\n  {\"title\": \"A\",,}\n]}");
        assertThatThrownBy(() -> SquadQuestions.read(file, 1)).isInstanceOf(RunnerError.class)
                .hasMessageStartingWith("squad.json: not valid JSON: ").hasMessageContaining("(line 2, column");
    }
}
