package org.equibench.impl.core;

/** One Java implementation of one task, run inside a forked JVM by {@link ForkedJvmMain}. */
public interface JavaImplementation {
    String task();

    String id();

    /** Runs every phase of the spec through {@code run.phase(...)} and hands over outputs and metrics. */
    void run(JavaRun run) throws Exception;
}
