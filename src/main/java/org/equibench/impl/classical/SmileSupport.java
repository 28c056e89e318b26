package org.equibench.impl.classical;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import org.equibench.impl.core.JavaRun;

/** What the Smile rows share: the runtime report, and running Smile's parallel streams on a pool of the spec's size. */
final class SmileSupport {
    /** Smile 3.x's licence (smile-core's POM); Smile 7.2+ is licensed otherwise and is not used here. */
    static final String LICENCE = "GPL-3.0";

    private SmileSupport() {
    }

    /** smile-core's version, from its jar's manifest. */
    static String version() {
        return smile.regression.OLS.class.getPackage().getImplementationVersion();
    }

    /**
     * Framework, version and the hyperparameters as this row sets them (Smile has no settings report of its own),
     * with the library's licence.
     */
    static void report(JavaRun run, Map<String, Object> settings) {
        run.framework("Smile", version());
        Map<String, Object> reported = new LinkedHashMap<>(settings);
        reported.put("licence", LICENCE);
        run.hyperparameters(reported);
        run.manifest("dtype", "f64"); // the double[] / double[][] overloads of Smile's trainers
    }

    /**
     * Runs {@code work} on a ForkJoinPool of the spec's thread count, and returns its result. Smile parallelises
     * with {@code IntStream.parallel()} (OneVersusOne's pairs, CentroidClustering's sums), which runs on the pool
     * of the thread that starts it: from a worker of this pool, on this pool's threads only, not on the common pool
     * (sized by the machine's cores).
     */
    static <T> T onPool(ForkJoinPool pool, Callable<T> work) throws Exception {
        try {
            return pool.submit(work).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
