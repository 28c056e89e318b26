package org.equibench.impl.bertqa;

import java.nio.file.Path;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/djl}: DJL on the PyTorch engine (libtorch) running the {@code torchscript} input; libtorch's thread
 * counts come from the launcher's {@code -Dai.djl.pytorch.num_threads} and are read back.
 */
public final class DjlBertQa extends BertQaRow {
    @Override
    public String id() {
        return "java/djl";
    }

    @Override
    String modelRole() {
        return "torchscript";
    }

    @Override
    String modelFormat() {
        return "torchscript";
    }

    @Override
    BertQaEngine openEngine(Path modelFile, RunSpec spec, BertConfig config) throws Exception {
        return new DjlBertQaEngine(modelFile, spec.threads(), config);
    }
}
