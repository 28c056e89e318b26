package org.equibench.impl.engines;

import ai.onnxruntime.OrtEnvironment;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates the process's {@link OrtEnvironment} on a thread with a large stack. Found here: ONNX Runtime 1.29.0's
 * environment set-up on Linux reads {@code /proc/self/cmdline} with a stack use that grows with its length, and a
 * forked JVM's command line carries the whole Maven classpath (~7 kB), which overflows the 1 MB default Java thread
 * stack: a SIGSEGV without an hs_err file (a ~6 kB {@code -D} option is enough to reproduce it). Only the set-up
 * needs the stack; sessions then run on the calling thread. A binding that creates the environment itself (DJL's
 * OnnxRuntime engine) is started through {@link #onLargeStack} for the same reason.
 */
public final class OrtStartup {
    /** Far more than the ~2 MB that a 7 kB command line needs; reserved address space only, not memory used. */
    private static final long STACK_BYTES = 256L << 20;

    private OrtStartup() {
    }

    public static OrtEnvironment environment() throws InterruptedException {
        return onLargeStack(OrtEnvironment::getEnvironment);
    }

    /** Runs {@code startup} (whatever first creates ONNX Runtime's environment) on a large-stack thread. */
    public static <T> T onLargeStack(Callable<T> startup) throws InterruptedException {
        AtomicReference<T> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread starter = new Thread(null, () -> {
            try {
                value.set(startup.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "onnxruntime-startup", STACK_BYTES);
        starter.start();
        starter.join();
        if (failure.get() != null) {
            throw new IllegalStateException("ONNX Runtime did not start: " + failure.get(), failure.get());
        }
        return value.get();
    }
}
