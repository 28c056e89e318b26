package org.equibench.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The environment every runner process gets, so that no library picks its own thread count:
 * OpenMP, MKL, OpenBLAS, Accelerate, numexpr, Rayon and the tokenizers' pool all see the spec's count.
 */
public final class ThreadKnobs {
    private ThreadKnobs() {
    }

    public static Map<String, String> environment(int threads) {
        String n = Integer.toString(threads);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("OMP_NUM_THREADS", n);
        env.put("MKL_NUM_THREADS", n);
        env.put("OPENBLAS_NUM_THREADS", n);
        env.put("VECLIB_MAXIMUM_THREADS", n);
        env.put("NUMEXPR_NUM_THREADS", n);
        env.put("RAYON_NUM_THREADS", n);
        env.put("TOKENIZERS_PARALLELISM", threads > 1 ? "true" : "false");
        env.put("PYTHONHASHSEED", "0");
        return env;
    }
}
