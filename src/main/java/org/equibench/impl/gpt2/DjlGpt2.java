package org.equibench.impl.gpt2;

import java.nio.file.Path;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/djl}: DJL on the PyTorch engine (libtorch) running the {@code torchscript} input; libtorch's thread
 * counts come from the launcher's {@code -Dai.djl.pytorch.num_threads} and are read back.
 */
public final class DjlGpt2 extends Gpt2Row {
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
    Gpt2Engine<?> openEngine(Path modelFile, RunSpec spec, Gpt2Config config) throws Exception {
        return new DjlGpt2Engine(modelFile, spec.threads(), config);
    }
}
