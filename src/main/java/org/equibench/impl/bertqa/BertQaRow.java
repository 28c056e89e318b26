package org.equibench.impl.bertqa;

import java.nio.file.Path;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;

/**
 * A Java row of {@code bert-qa}: the phases, tokens, windows, span choice and outputs are {@link BertQaAnswering}'s;
 * a row only names the model file it runs and opens its engine on it.
 */
abstract class BertQaRow implements JavaImplementation {
    static final String TASK = "bert-qa";

    @Override
    public final String task() {
        return TASK;
    }

    /** The spec's input role of the model file this row's engine runs ({@code onnx}, {@code torchscript}, …). */
    abstract String modelRole();

    /** {@code hp.model_format}: {@code safetensors}, {@code onnx} or {@code torchscript}. */
    abstract String modelFormat();

    /** Builds the model or session from its file; {@code config} has been checked against the params. */
    abstract BertQaEngine openEngine(Path modelFile, RunSpec spec, BertConfig config) throws Exception;

    @Override
    public final void run(JavaRun run) throws Exception {
        BertQaAnswering.run(run, this);
    }
}
