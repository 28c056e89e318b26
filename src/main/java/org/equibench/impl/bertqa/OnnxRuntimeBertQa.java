package org.equibench.impl.bertqa;

import java.nio.file.Path;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/onnxruntime}: ONNX Runtime Java on the {@code onnx} input; intra-op threads = the spec's threads, one
 * inter-op thread, sequential execution, all graph optimizations.
 */
public final class OnnxRuntimeBertQa extends BertQaRow {
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
    BertQaEngine openEngine(Path modelFile, RunSpec spec, BertConfig config) throws Exception {
        return new OrtBertQaEngine(modelFile, spec.threads(), config);
    }
}
