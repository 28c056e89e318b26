package org.equibench.impl.bertqa;

import java.nio.file.Path;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/djl-onnxruntime}: DJL on its OnnxRuntime engine running the {@code onnx} input (the same file as
 * {@code java/onnxruntime}), with ONNX Runtime Java 1.29.0 (the project's pin) underneath; the session options (intra-op
 * threads = the spec's threads, one inter-op thread, sequential, all optimizations) are set through DJL's model options.
 */
public final class DjlOnnxRuntimeBertQa extends BertQaRow {
    @Override
    public String id() {
        return "java/djl-onnxruntime";
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
        return new DjlOrtBertQaEngine(modelFile, spec.threads(), config);
    }
}
