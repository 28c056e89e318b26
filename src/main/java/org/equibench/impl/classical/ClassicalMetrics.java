package org.equibench.impl.classical;

import org.equibench.impl.core.JavaRun;

/** The metrics every row of a classical task reports, computed the same way for each library's predictions. */
final class ClassicalMetrics {
    private ClassicalMetrics() {
    }

    /** R² and RMSE of regression predictions on the test rows. */
    static void regression(JavaRun run, double[] predicted, double[] actual) {
        double mean = 0;
        for (double y : actual) {
            mean += y;
        }
        mean /= actual.length;
        double sse = 0;
        double sst = 0;
        for (int i = 0; i < predicted.length; i++) {
            double r = predicted[i] - actual[i];
            sse += r * r;
            double dev = actual[i] - mean;
            sst += dev * dev;
        }
        run.metric("r2", 1.0 - sse / sst);
        run.metric("rmse", Math.sqrt(sse / predicted.length));
    }
}
