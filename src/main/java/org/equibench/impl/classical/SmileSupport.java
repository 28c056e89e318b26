package org.equibench.impl.classical;

import java.util.LinkedHashMap;
import java.util.Map;
import org.equibench.impl.core.JavaRun;

/** What the Smile rows share: the runtime report. */
final class SmileSupport {
    /** smile-core 3.1.1's licence, as its POM declares it. */
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
}
