package org.equibench.impl.gpt2;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates the process's {@link OrtEnvironment} on a thread with a large stack. Found here: ONNX Runtime 1.29.0's
 * environment set-up on Linux reads {@code /proc/self/cmdline} with a stack use that grows with its length, and a
 * forked JVM's command line carries the whole Maven classpath (~7 kB), which overflows the 1 MB default Java thread
 * stack: a SIGSEGV without an hs_err file (a ~6 kB {@code -D} option is enough to reproduce it). Only the set-up
 * needs the stack; sessions then run on the calling thread.
 */
final class OrtStartup {
    /** Far more than the ~2 MB that a 7 kB command line needs; reserved address space only, not memory used. */
    private static final long STACK_BYTES = 256L << 20;

    private OrtStartup() {
    }

    static OrtEnvironment environment() throws InterruptedException {
        AtomicReference<OrtEnvironment> env = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(null, () -> {
            try {
                env.set(OrtEnvironment.getEnvironment());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "onnxruntime-startup", STACK_BYTES);
        starter.start();
        starter.join();
        if (failure.get() != null) {
            throw new IllegalStateException("ONNX Runtime did not start: " + failure.get(), failure.get());
        }
        return env.get();
    }
}
