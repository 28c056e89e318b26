package org.equibench.impl.engines;

import java.lang.reflect.InvocationTargetException;
import org.equibench.impl.core.RunnerError;

/**
 * Opens an engine compiled for Java 21 (src/main/java21, Maven profile {@code jlama}, into target/classes-java21) by
 * name: Jlama's class files need Java 20+ while this project compiles for 17, so a row class stays on Java 17 (every
 * runner JVM lists it) and only its own JVM, started on the newer Java, loads the engine.
 */
public final class Java21Engine {
    private static final int JAVA_FEATURE = 21;
    private static final String REQUIREMENT = "runs on a Java 21+ JVM (tested: Temurin 25) started with "
            + "--add-modules jdk.incubator.vector and target/classes-java21 plus target/jlama-classpath.txt on its "
            + "classpath (built by the Maven profile jlama)";

    private Java21Engine() {
    }

    /** A new {@code className(args)} through its constructor of {@code types}; fails naming what this JVM lacks. */
    public static <T> T open(String row, Class<T> type, String className, Class<?>[] types, Object... args) throws Exception {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (Runtime.version().feature() < JAVA_FEATURE || !vector) {
            throw new RunnerError(row + " " + REQUIREMENT + "; this JVM is Java " + Runtime.version()
                    + (vector ? "" : " without jdk.incubator.vector"));
        }
        Class<?> engine;
        try {
            engine = Class.forName(className);
        } catch (ClassNotFoundException | NoClassDefFoundError e) {
            throw new RunnerError(row + " " + REQUIREMENT + "; missing here: " + e.getMessage(), e);
        }
        try {
            return type.cast(engine.getConstructor(types).newInstance(args));
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
