package org.equibench.impl.bertqa;

import java.util.Collection;
import java.util.List;
import org.equibench.impl.core.RunnerError;

/** The task's ONNX graph interface (PROTOCOL.md, "Task `bert-qa`", input {@code onnx}), checked by name in both ONNX Runtime rows. */
final class QaGraph {
    static final String INPUT_IDS = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";
    static final String TOKEN_TYPE_IDS = "token_type_ids";
    static final String START_LOGITS = "start_logits";
    static final String END_LOGITS = "end_logits";
    static final List<String> INPUTS = List.of(INPUT_IDS, ATTENTION_MASK, TOKEN_TYPE_IDS);
    static final List<String> OUTPUTS = List.of(START_LOGITS, END_LOGITS);

    private QaGraph() {
    }

    static void require(String file, String what, Collection<String> found, List<String> expected) {
        if (!found.containsAll(expected) || found.size() != expected.size()) {
            throw new RunnerError(file + ": the graph's " + what + " are " + found + ", the task's are " + expected);
        }
    }

    /** {@code dimensions()} of an engine that exposes no weights: config.json's, which a probe pass has exercised. */
    static BertDimensions fromConfig(BertConfig config) {
        return new BertDimensions(config.layers(), config.heads(), config.hidden(), config.vocab(),
                "config.json (ONNX Runtime exposes no weights; the graph's inputs/outputs are checked by name and a probe "
                        + "pass with token id vocab_size - 1 at load)");
    }
}
