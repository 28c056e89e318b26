package org.equibench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.RunResult.PhaseSamples;

/** Result rows for chart tests: every phase of iris-mlp at a given time, with 20 samples each so CIs exist. */
final class ChartRows {
    static final List<String> IRIS_PHASES = List.of("load", "train", "infer_single", "infer_batch");

    private ChartRows() {
    }

    static ResultRow passed(String impl, double ns, long peakRss) {
        Map<String, PhaseStats> phases = new LinkedHashMap<>();
        for (String phase : IRIS_PHASES) {
            List<Long> samples = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                samples.add((long) (ns * (1 + 0.01 * (i % 5))));
            }
            phases.put(phase, PhaseStats.of(new PhaseSamples(1, 1, samples, 1L, peakRss, true, null, null)));
        }
        return row(impl, ResultRow.PASSED, phases);
    }

    static ResultRow withStatus(String impl, String status) {
        return row(impl, status, null);
    }

    private static ResultRow row(String impl, String status, Map<String, PhaseStats> phases) {
        return new ResultRow("iris-mlp", impl, impl.substring(0, impl.indexOf('/')), "x", "f64", 1, "cpu", status,
                status.equals(ResultRow.PASSED) ? "" : "why not", "python/numpy", "d", "", List.of(), List.of(),
                phases == null ? null : Map.of("train_accuracy", 0.9, "test_accuracy", 0.9), phases,
                phases == null ? null : new ResultRow.ProcessFigures(1_000_000, peak(phases)), null, Map.of(), Map.of(), List.of(), null);
    }

    private static long peak(Map<String, PhaseStats> phases) {
        return phases.values().iterator().next().peakRssBytes();
    }
}
