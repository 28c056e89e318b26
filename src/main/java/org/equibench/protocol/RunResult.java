package org.equibench.protocol;

import java.util.List;
import java.util.Map;

/** What a runner reports back: the result.json of the runner protocol. */
public record RunResult(
        int protocol,
        String task,
        String impl,
        String status,
        String error,
        Map<String, Object> runtime,
        Map<String, Double> metrics,
        Map<String, PhaseSamples> phases,
        Map<String, String> outputs,
        List<String> notes,
        Timeline timeline) {

    public boolean ok() {
        return "ok".equals(status);
    }

    public static RunResult error(RunSpec spec, String message) {
        return new RunResult(RunSpec.PROTOCOL_VERSION, spec == null ? null : spec.task(), spec == null ? null : spec.impl(),
                "error", message, null, null, null, null, null, null);
    }

    /** Raw samples of one phase; statistics are computed by the harness, not the runner. */
    public record PhaseSamples(
            int warmup,
            int opsPerSample,
            List<Long> samplesNs,
            Long rssBeforeBytes,
            Long peakRssBytes,
            Boolean hwmReset,
            Long allocatedBytes,
            Long firstCallNs,
            List<String> outputSha256) {

        public PhaseSamples(int warmup, int opsPerSample, List<Long> samplesNs, Long rssBeforeBytes, Long peakRssBytes, Boolean hwmReset,
                            Long allocatedBytes, Long firstCallNs) {
            this(warmup, opsPerSample, samplesNs, rssBeforeBytes, peakRssBytes, hwmReset, allocatedBytes, firstCallNs, null);
        }
    }

    /** Wall-clock instants (epoch ns) of the runner's readiness and of each phase, to align with the harness's samples. */
    public record Timeline(Long readyEpochNs, Map<String, Span> phases) {
    }

    /** When a phase's runs began and ended, warm-up included. */
    public record Span(long startEpochNs, long endEpochNs) {
    }
}
