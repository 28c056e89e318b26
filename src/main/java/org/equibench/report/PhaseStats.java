package org.equibench.report;

import java.util.List;
import org.equibench.measure.Bootstrap;
import org.equibench.measure.ProcessModes;
import org.equibench.measure.Statistics;
import org.equibench.protocol.RunResult.PhaseSamples;

/**
 * A phase's figures as reported: times per operation (a sample divided by its ops), memory, allocation.
 * Raw per-operation samples are kept so later analysis (confidence intervals, comparisons) can redo the maths.
 * When the row ran in several processes, {@code samplesPerProcess} says how many samples each gave (in order),
 * {@code processMediansNs} each one's median, and {@code modes} describes the two groups they fall into when they
 * do (null otherwise); the median's CI then comes from a two-level bootstrap (processes, then samples).
 */
public record PhaseStats(int warmup, int n, int opsPerSample, double medianNs, List<Double> medianCi95Ns,
                         double p95Ns, double minNs, Long rssBeforeBytes, Long peakRssBytes, Long rssDeltaBytes, Boolean hwmReset,
                         Long allocatedBytes, List<Double> samplesNs, List<Integer> samplesPerProcess,
                         List<Double> processMediansNs, String modes) {

    public static PhaseStats of(PhaseSamples s) {
        return of(s, null);
    }

    /** {@code samplesPerProcess}: how many of the pooled samples each process gave, in order (null: one process). */
    public static PhaseStats of(PhaseSamples s, List<Integer> samplesPerProcess) {
        int ops = Math.max(1, s.opsPerSample());
        double[] perOp = Statistics.toDoubles(s.samplesNs(), ops);
        Long delta = s.peakRssBytes() != null && s.rssBeforeBytes() != null && s.peakRssBytes() >= 0 && s.rssBeforeBytes() >= 0
                ? s.peakRssBytes() - s.rssBeforeBytes() : null;
        List<Integer> counts = samplesPerProcess != null && samplesPerProcess.size() > 1
                && samplesPerProcess.stream().mapToInt(Integer::intValue).sum() == perOp.length ? samplesPerProcess : null;
        double[][] groups = groups(perOp, counts);
        double[] ci = Bootstrap.medianCi95(groups);
        List<Double> medians = counts == null ? null : java.util.Arrays.stream(groups).map(Statistics::median).toList();
        return new PhaseStats(s.warmup(), perOp.length, ops, Statistics.median(perOp), List.of(ci[0], ci[1]),
                Statistics.percentile(perOp, 95),
                Statistics.min(perOp), s.rssBeforeBytes(), s.peakRssBytes(), delta, s.hwmReset(), s.allocatedBytes(),
                java.util.Arrays.stream(perOp).boxed().toList(), counts, medians, medians == null ? null : describeModes(medians));
    }

    public double[] samples() {
        return samplesNs.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The samples, one array per process (one array when the processes are not known apart). */
    public double[][] processes() {
        return groups(samples(), samplesPerProcess);
    }

    private static double[][] groups(double[] samples, List<Integer> counts) {
        if (counts == null || counts.size() < 2 || counts.stream().mapToInt(Integer::intValue).sum() != samples.length) {
            return new double[][] {samples};
        }
        double[][] groups = new double[counts.size()][];
        int at = 0;
        for (int i = 0; i < groups.length; i++) {
            groups[i] = java.util.Arrays.copyOfRange(samples, at, at + counts.get(i));
            at += counts.get(i);
        }
        return groups;
    }

    private static String describeModes(List<Double> processMedians) {
        List<ProcessModes.Mode> modes = ProcessModes.of(processMedians.stream().mapToDouble(Double::doubleValue).toArray());
        if (modes.isEmpty()) {
            return null;
        }
        return String.join(" and ", modes.stream().map(m -> Figures.time(m.centreNs()) + " (" + m.processes()
                + (m.processes() == 1 ? " process)" : " processes)")).toList());
    }
}
