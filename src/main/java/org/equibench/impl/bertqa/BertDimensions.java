package org.equibench.impl.bertqa;

import java.util.ArrayList;
import java.util.List;
import org.equibench.impl.core.RunnerError;

/**
 * The dimensions of a loaded BERT as its engine reports them (the module's parameters, the weight file's tensors): what
 * the manifest's {@code hp.layers}, {@code hp.heads}, {@code hp.hidden} and {@code hp.vocab} show, and what must agree
 * with config.json. {@code source} says where they were read (an ONNX Runtime session exposes no weights: there they
 * are config.json's, checked only by a probe forward pass).
 */
public record BertDimensions(int layers, int heads, int hidden, int vocab, String source) {

    /** Fails naming the model file and every dimension that differs from config.json's. */
    void requireMatches(BertConfig config, String modelFile) {
        List<String> differ = new ArrayList<>();
        compare(differ, "layers", layers, "num_hidden_layers", config.layers());
        compare(differ, "heads", heads, "num_attention_heads", config.heads());
        compare(differ, "hidden", hidden, "hidden_size", config.hidden());
        compare(differ, "vocab", vocab, "vocab_size", config.vocab());
        if (!differ.isEmpty()) {
            throw new RunnerError(modelFile + ": " + String.join("; ", differ));
        }
    }

    private static void compare(List<String> differ, String name, int model, String field, int config) {
        if (model != config) {
            differ.add("the model has " + name + " " + model + ", config.json's " + field + " is " + config);
        }
    }
}
