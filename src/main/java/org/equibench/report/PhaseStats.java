package org.equibench.report;

import java.util.List;
import org.equibench.measure.Bootstrap;
import org.equibench.measure.Statistics;
import org.equibench.protocol.RunResult.PhaseSamples;

/**
 * A phase's figures as reported: times per operation (a sample divided by its ops), memory, allocation.
 * Raw per-operation samples are kept so later analysis (confidence intervals, comparisons) can redo the maths.
 */
public record PhaseStats(int warmup, int n, int opsPerSample, double medianNs, List<Double> medianCi95Ns,
                         double p95Ns, double minNs, Long rssBeforeBytes, Long peakRssBytes, Long rssDeltaBytes, Boolean hwmReset,
                         Long allocatedBytes, List<Double> samplesNs) {

    public static PhaseStats of(PhaseSamples s) {
        int ops = Math.max(1, s.opsPerSample());
        double[] perOp = Statistics.toDoubles(s.samplesNs(), ops);
        Long delta = s.peakRssBytes() != null && s.rssBeforeBytes() != null && s.peakRssBytes() >= 0 && s.rssBeforeBytes() >= 0
                ? s.peakRssBytes() - s.rssBeforeBytes() : null;
        double[] ci = Bootstrap.medianCi95(perOp);
        return new PhaseStats(s.warmup(), perOp.length, ops, Statistics.median(perOp), List.of(ci[0], ci[1]),
                Statistics.percentile(perOp, 95),
                Statistics.min(perOp), s.rssBeforeBytes(), s.peakRssBytes(), delta, s.hwmReset(), s.allocatedBytes(),
                java.util.Arrays.stream(perOp).boxed().toList());
    }

    public double[] samples() {
        return samplesNs.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
