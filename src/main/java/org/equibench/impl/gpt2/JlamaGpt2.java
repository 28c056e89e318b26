package org.equibench.impl.gpt2;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import org.equibench.impl.core.RunnerError;
import org.equibench.protocol.RunSpec;

/**
 * {@code java/jlama}: Jlama builds GPT-2 itself from the {@code weights} input (model.safetensors) and runs it in
 * pure Java (Vector API). Jlama's class files need Java 20+ while this project compiles for 17, so its engine is
 * compiled apart (src/main/java21, Maven profile {@code jlama}, into target/classes-java21) and loaded here by name:
 * this row class stays on Java 17, so every runner JVM lists it, and only its own JVM needs the newer Java.
 */
public final class JlamaGpt2 extends Gpt2Row {
    static final String ENGINE_CLASS = "org.equibench.jlama.JlamaGpt2Engine";
    private static final int JAVA_FEATURE = 21;
    private static final String REQUIREMENT = "java/jlama runs on a Java 21+ JVM (tested: Temurin 25) started with "
            + "--add-modules jdk.incubator.vector and target/classes-java21 plus target/jlama-classpath.txt on its "
            + "classpath (built by the Maven profile jlama)";

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
        if (Runtime.version().feature() < JAVA_FEATURE || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            throw new RunnerError(REQUIREMENT + "; this JVM is Java " + Runtime.version() + (ModuleLayer.boot()
                    .findModule("jdk.incubator.vector").isEmpty() ? " without jdk.incubator.vector" : ""));
        }
        Class<?> engine;
        try {
            engine = Class.forName(ENGINE_CLASS);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new RunnerError(REQUIREMENT + "; missing here: " + e.getMessage(), e);
        }
        try {
            return (Gpt2Engine<?>) engine.getConstructor(Path.class, int.class, Gpt2Config.class)
                    .newInstance(modelFile, spec.threads(), config);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
