package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.impl.core.RunnerError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PromptFileTest {
    @TempDir
    Path dir;

    private Path prompts(String text) throws Exception {
        return Files.writeString(dir.resolve("prompts.txt"), text);
    }

    @Test
    void takesTheFirstPromptCountLinesAsTheyAre() throws Exception {
        Path file = prompts("Once upon a time,\r\n  The three laws\nunused line\n");
        assertThat(PromptFile.read(file, 2)).containsExactly("Once upon a time,", "  The three laws");
    }

    @Test
    void anEmptyFileIsAnErrorNamingTheFile() throws Exception {
        Path file = prompts("");
        assertThatThrownBy(() -> PromptFile.read(file, 1)).isInstanceOf(RunnerError.class)
                .hasMessage("prompts.txt: empty file, expected one prompt a line");
    }

    @Test
    void fewerLinesThanPromptCountIsAnErrorNamingBoth() throws Exception {
        Path file = prompts("one\ntwo\n");
        assertThatThrownBy(() -> PromptFile.read(file, 5)).isInstanceOf(RunnerError.class)
                .hasMessage("prompts.txt: 2 lines, but params.prompt_count is 5");
    }

    @Test
    void aBlankPromptNamesItsLine() throws Exception {
        Path file = prompts("one\n   \nthree\n");
        assertThatThrownBy(() -> PromptFile.read(file, 3)).isInstanceOf(RunnerError.class)
                .hasMessage("prompts.txt line 2: empty prompt");
        assertThat(PromptFile.read(file, 1)).containsExactly("one");
    }

    @Test
    void bytesThatAreNotUtf8AreAnErrorNamingTheFile() throws Exception {
        Path file = Files.write(dir.resolve("prompts.txt"), new byte[] {'a', (byte) 0xC3, '\n'});
        assertThatThrownBy(() -> PromptFile.read(file, 1)).isInstanceOf(RunnerError.class)
                .hasMessageStartingWith("prompts.txt: not valid UTF-8");
    }
}
