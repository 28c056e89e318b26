package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.junit.jupiter.api.Test;

class PromptIdsTest {
    /** One id per character, none for the text "nothing". */
    private static final PromptTokenizer CHARS = new PromptTokenizer() {
        @Override
        public long[] encode(String prompt) {
            return prompt.equals("nothing") ? new long[0] : prompt.chars().asLongStream().toArray();
        }

        @Override
        public void describe(JavaRun run) {
        }

        @Override
        public void close() {
        }
    };

    @Test
    void promptsAndNewTokensMayFillTheContextExactly() {
        // 4 prompt tokens + 7 new ones use positions 0 .. 9: the last new token is never fed back
        long[][] ids = PromptIds.of(CHARS, List.of("abcd", "ab"), "prompts.txt", 7, 10);
        assertThat(ids[0]).containsExactly('a', 'b', 'c', 'd');
        assertThat(ids[1]).hasSize(2);
    }

    @Test
    void aPromptTooLongForTheContextNamesItsLineAndTheCount() {
        assertThatThrownBy(() -> PromptIds.of(CHARS, List.of("ab", "abcde"), "prompts.txt", 7, 10))
                .isInstanceOf(RunnerError.class)
                .hasMessage("prompts.txt line 2: 5 prompt tokens and 7 new tokens need 11 positions, params.context is 10");
    }

    @Test
    void aPromptWithoutTokensNamesItsLine() {
        assertThatThrownBy(() -> PromptIds.of(CHARS, List.of("ab", "nothing"), "prompts.txt", 2, 10))
                .isInstanceOf(RunnerError.class).hasMessage("prompts.txt line 2: the prompt has no tokens");
    }
}
