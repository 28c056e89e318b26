package org.equibench.impl.gpt2;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equibench.impl.core.RunnerError;

/**
 * The {@code prompts} input: UTF-8 text, one prompt a line ({@code \n} or {@code \r\n}); the first
 * {@code prompt_count} lines are the prompts. Errors name the file (and the line).
 */
final class PromptFile {
    private PromptFile() {
    }

    static List<String> read(Path file, int count) throws IOException {
        String name = file.getFileName().toString();
        String text;
        try {
            // strict decoding: a replacement character would silently change the prompt's token ids
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new RunnerError(name + ": not valid UTF-8 (" + e.getMessage() + ")", e);
        }
        if (text.isEmpty()) {
            throw new RunnerError(name + ": empty file, expected one prompt a line");
        }
        List<String> lines = text.lines().toList();
        if (lines.size() < count) {
            throw new RunnerError(name + ": " + lines.size() + " line" + (lines.size() == 1 ? "" : "s")
                    + ", but params.prompt_count is " + count);
        }
        List<String> prompts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (lines.get(i).isBlank()) {
                throw new RunnerError(name + " line " + (i + 1) + ": empty prompt");
            }
            prompts.add(lines.get(i));
        }
        return prompts;
    }
}
