package org.equibench.impl.bertqa;

import java.nio.file.Path;
import org.equibench.impl.engines.Java21Engine;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/jlama}: a BERT encoder on Jlama's safetensors loader and Vector API kernels, reading the {@code weights}
 * input (model.safetensors, {@code bert.} names) with the {@code qa_outputs} head applied here (see
 * {@code org.equibench.jlama.JlamaBertQaEngine} for why Jlama's own BertModel is not used). Its engine is compiled for
 * Java 21 apart and loaded by name ({@link Java21Engine}); its JVM is Temurin 25 with jdk.incubator.vector.
 */
public final class JlamaBertQa extends BertQaRow {
    static final String ENGINE_CLASS = "org.equibench.jlama.JlamaBertQaEngine";

    @Override
    public String id() {
        return "java/jlama";
    }

    @Override
    String modelRole() {
        return "weights";
    }

    @Override
    String modelFormat() {
        return "safetensors";
    }

    @Override
    BertQaEngine openEngine(Path modelFile, RunSpec spec, BertConfig config) throws Exception {
        return Java21Engine.open(id(), BertQaEngine.class, ENGINE_CLASS, new Class<?>[] {Path.class, int.class, BertConfig.class},
                modelFile, spec.threads(), config);
    }
}
