package org.equibench.impl.gpt2;

import java.nio.file.Path;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/onnxruntime}: ONNX Runtime Java on the {@code onnx} input; intra-op threads = the spec's threads,
 * one inter-op thread, sequential execution, all graph optimizations.
 */
public final class OnnxRuntimeGpt2 extends Gpt2Row {
    @Override
    public String id() {
        return "java/onnxruntime";
    }

    @Override
    String modelRole() {
        return "onnx";
    }

    @Override
    String modelFormat() {
        return "onnx";
    }

    @Override
    Gpt2Engine<?> openEngine(Path modelFile, RunSpec spec, Gpt2Config config) throws Exception {
        return new OrtGpt2Engine(modelFile, spec.threads());
    }
}
