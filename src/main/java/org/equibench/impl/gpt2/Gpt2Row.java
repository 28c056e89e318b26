package org.equibench.impl.gpt2;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;

/**
 * A Java row of {@code gpt2-generate}: the phases, prompts, greedy loop and outputs are {@link Gpt2Generation}'s;
 * a row only names the model file it runs and opens its engine on it.
 */
abstract class Gpt2Row implements JavaImplementation {
    static final String TASK = "gpt2-generate";

    @Override
    public final String task() {
        return TASK;
    }

    /** The spec's input role of the model file this row's engine runs ({@code onnx}, {@code torchscript}, …). */
    abstract String modelRole();

    /** {@code hp.model_format}: {@code safetensors}, {@code onnx}, {@code torchscript} or {@code gguf}. */
    abstract String modelFormat();

    /** Builds the model or session from its file; {@code config} has been checked against the params. */
    abstract Gpt2Engine<?> openEngine(Path modelFile, RunSpec spec, Gpt2Config config) throws Exception;

    /** The inputs this row's tokenizer reads. */
    List<String> tokenizerRoles() {
        return List.of("tokenizer");
    }

    PromptTokenizer openTokenizer(RunSpec spec) throws IOException {
        return HfPromptTokenizer.open(Path.of(spec.input("tokenizer")));
    }

    @Override
    public final void run(JavaRun run) throws Exception {
        Gpt2Generation.run(run, this);
    }
}
