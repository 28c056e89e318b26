package org.equibench.protocol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The thread variables of the protocol (PROTOCOL.md): the harness sets each to the spec's thread count, so that
 * no library picks its own, and every runner reports each as its process sees it. The Java side's one list.
 */
public final class ThreadEnvironment {
    /** OpenMP, MKL, OpenBLAS, Accelerate, numexpr and Rayon thread counts. */
    public static final List<String> VARIABLES = List.of("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
            "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS");

    private ThreadEnvironment() {
    }

    /** The environment a runner process gets: every thread variable, the tokenizers' pool switch, a fixed hash seed. */
    public static Map<String, String> forThreads(int threads) {
        Map<String, String> env = new LinkedHashMap<>();
        VARIABLES.forEach(v -> env.put(v, Integer.toString(threads)));
        env.put("TOKENIZERS_PARALLELISM", threads > 1 ? "true" : "false");
        env.put("PYTHONHASHSEED", "0");
        return env;
    }
}
