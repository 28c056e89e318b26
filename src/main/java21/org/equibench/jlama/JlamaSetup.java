package org.equibench.jlama;

import com.github.tjake.jlama.util.PhysicalCoreExecutor;

/** Jlama's process-wide settings: its compute thread pool and its choice of kernels, both fixed on first use. */
final class JlamaSetup {
    private static final String FORCE_PANAMA = "jlama.force_panama_tensor_operations";

    private JlamaSetup() {
    }

    /**
     * Jlama runs every parallel loop on one ForkJoinPool sized once per process (default: half the cores, at least
     * two); later load repetitions find it started and only check its size.
     */
    static void useThreads(int threads) {
        try {
            PhysicalCoreExecutor.overrideThreadCount(threads);
        } catch (IllegalStateException alreadyStarted) {
            // started by an earlier load in this JVM: checked below
        }
        if (threads() != threads) {
            throw new IllegalStateException("Jlama's thread pool runs " + threads() + " threads, the spec asks for " + threads);
        }
    }

    static int threads() {
        return PhysicalCoreExecutor.instance.get().getCoreCount();
    }

    /**
     * The pure-Java Vector API kernels, said explicitly: without it Jlama looks for its optional native library
     * (jlama-native, not a dependency here) first and logs a warning when it is missing.
     */
    static void pureJavaKernels() {
        System.setProperty(FORCE_PANAMA, "true");
    }
}
