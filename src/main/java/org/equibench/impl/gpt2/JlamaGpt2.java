package org.equibench.impl.gpt2;

import java.nio.file.Path;
import org.equibench.impl.engines.Java21Engine;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/jlama}: Jlama builds GPT-2 itself from the {@code weights} input (model.safetensors) and runs it in
 * pure Java (Vector API). Jlama's class files need Java 20+ while this project compiles for 17, so its engine is
 * compiled apart (src/main/java21, Maven profile {@code jlama}, into target/classes-java21) and loaded here by name
 * ({@link Java21Engine}): this row class stays on Java 17, so every runner JVM lists it, and only its own JVM needs
 * the newer Java.
 */
public final class JlamaGpt2 extends Gpt2Row {
    static final String ENGINE_CLASS = "org.equibench.jlama.JlamaGpt2Engine";

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
    Gpt2Engine<?> openEngine(Path modelFile, RunSpec spec, Gpt2Config config) throws Exception {
        return Java21Engine.open(id(), Gpt2Engine.class, ENGINE_CLASS, new Class<?>[] {Path.class, int.class, Gpt2Config.class},
                modelFile, spec.threads(), config);
    }
}
