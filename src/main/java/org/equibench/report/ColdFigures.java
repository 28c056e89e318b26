package org.equibench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.measure.Statistics;

/**
 * A row's cold figures, reported apart from the warm ones: how long a fresh process took to be ready
 * (start-up, imports, engine loading) and how long each phase's first call took, one value per process.
 */
public record ColdFigures(List<Long> startupNs, Double startupMedianNs, Map<String, List<Long>> firstCallNs,
                          Map<String, Double> firstCallMedianNs) {

    public static ColdFigures of(List<Long> startup, Map<String, List<Long>> firstCalls) {
        Map<String, Double> medians = new LinkedHashMap<>();
        firstCalls.forEach((phase, v) -> medians.put(phase, median(v)));
        return new ColdFigures(startup, startup.isEmpty() ? null : median(startup), firstCalls, medians);
    }

    private static double median(List<Long> v) {
        return Statistics.median(v.stream().mapToDouble(Long::doubleValue).toArray());
    }
}
