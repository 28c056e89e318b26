package org.equibench.impl.gpt2;

import java.util.ArrayList;
import java.util.List;
import org.equibench.impl.core.RunnerError;
import org.equibench.task.Gpt2GenerateTask;

/**
 * The dimensions of a loaded GPT-2 as its engine reports them (graph inputs, output shapes): what the manifest's
 * {@code hp.layers}, {@code hp.heads}, {@code hp.d_model} and {@code hp.vocab} show, and what must agree with the spec.
 */
public record ModelDimensions(int layers, int heads, int dModel, int vocab) {

    /** Fails naming the model file and every dimension that differs from the spec's params. */
    void requireMatches(Gpt2GenerateTask.Params params, String modelFile) {
        List<String> differ = new ArrayList<>();
        compare(differ, "layers", layers, params.layers());
        compare(differ, "heads", heads, params.heads());
        compare(differ, "d_model", dModel, params.dModel());
        compare(differ, "vocab", vocab, params.vocab());
        if (!differ.isEmpty()) {
            throw new RunnerError(modelFile + ": " + String.join("; ", differ));
        }
    }

    private static void compare(List<String> differ, String name, int model, int param) {
        if (model != param) {
            differ.add("the model has " + name + " " + model + ", params." + name + " is " + param);
        }
    }
}
