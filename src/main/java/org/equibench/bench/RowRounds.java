package org.equibench.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.measure.Statistics;
import org.equibench.report.ColdFigures;
import org.equibench.runner.RowRun;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunResult.PhaseSamples;

/**
 * The processes one row ran in (one per round, interleaved with the other rows) seen as one row: warm samples
 * pooled, memory figures as medians over processes, and each process's start-up and first calls kept apart
 * as the row's cold figures.
 */
public final class RowRounds {
    private RowRounds() {
    }

    /** A round that failed stands for the row: one crash is enough to make the row an error. */
    public static RowRun pooled(List<RowRun> rounds) {
        for (RowRun r : rounds) {
            if (!r.ok()) {
                return r;
            }
        }
        RowRun last = rounds.get(rounds.size() - 1);
        if (rounds.size() == 1) {
            return last;
        }
        RunResult lr = last.result();
        Map<String, PhaseSamples> phases = new LinkedHashMap<>();
        for (String phase : lr.phases().keySet()) {
            List<PhaseSamples> each = rounds.stream().map(r -> r.result().phases().get(phase)).toList();
            if (each.contains(null)) {
                continue;
            }
            List<Long> samples = new ArrayList<>();
            each.forEach(p -> samples.addAll(p.samplesNs()));
            PhaseSamples p0 = each.get(0);
            phases.put(phase, new PhaseSamples(p0.warmup(), p0.opsPerSample(), samples,
                    median(each.stream().map(PhaseSamples::rssBeforeBytes).toList()),
                    median(each.stream().map(PhaseSamples::peakRssBytes).toList()),
                    each.stream().allMatch(p -> Boolean.TRUE.equals(p.hwmReset())),
                    median(each.stream().map(PhaseSamples::allocatedBytes).toList()),
                    median(each.stream().map(PhaseSamples::firstCallNs).toList()),
                    pooledDigests(each)));
        }
        RunResult merged = new RunResult(lr.protocol(), lr.task(), lr.impl(), lr.status(), lr.error(), lr.runtime(),
                lr.metrics(), phases, lr.outputs(), lr.notes(), lr.timeline());
        long wall = median(rounds.stream().map(r -> (Long) r.wallNs()).toList());
        long peak = rounds.stream().mapToLong(RowRun::peakRssBytes).max().orElse(-1);
        return new RowRun(last.spec(), merged, null, 0, wall, peak, last.stderrTail(), last.outDir(), last.timeline(),
                last.spawnEpochNs(), last.environment(), last.host(), pooledContainer(rounds));
    }

    /** The containers of the rounds as one: the median start-up, the largest cgroup peak; null for local rows. */
    private static org.equibench.runner.ContainerFigures pooledContainer(List<RowRun> rounds) {
        List<org.equibench.runner.ContainerFigures> each = rounds.stream().map(RowRun::container).filter(java.util.Objects::nonNull).toList();
        if (each.isEmpty()) {
            return null;
        }
        org.equibench.runner.ContainerFigures last = each.get(each.size() - 1);
        long startup = median(each.stream().map(c -> (Long) c.startupNs()).toList());
        long peak = each.stream().mapToLong(org.equibench.runner.ContainerFigures::cgroupPeakBytes).max().orElse(-1);
        int ooms = each.stream().mapToInt(org.equibench.runner.ContainerFigures::oomKills).max().orElse(-1);
        return new org.equibench.runner.ContainerFigures(last.image(), last.limits(), startup, peak, last.cgroupVersion(), ooms);
    }

    /** Every process's output digests, in the order the samples are pooled; null unless every process reported them. */
    private static List<String> pooledDigests(List<PhaseSamples> each) {
        if (each.stream().anyMatch(p -> p.outputSha256() == null)) {
            return null;
        }
        List<String> digests = new ArrayList<>();
        each.forEach(p -> digests.addAll(p.outputSha256()));
        return digests;
    }

    /** Start-up (spawn to the runner's first phase) and each phase's first call, one value per process. */
    public static ColdFigures cold(List<RowRun> rounds) {
        List<Long> startup = new ArrayList<>();
        Map<String, List<Long>> firstCalls = new LinkedHashMap<>();
        for (RowRun r : rounds) {
            if (!r.ok()) {
                continue;
            }
            RunResult.Timeline t = r.result().timeline();
            if (t != null && t.readyEpochNs() != null && r.spawnEpochNs() > 0) {
                startup.add(t.readyEpochNs() - r.spawnEpochNs());
            }
            if (r.result().phases() != null) {
                r.result().phases().forEach((phase, s) -> {
                    if (s.firstCallNs() != null) {
                        firstCalls.computeIfAbsent(phase, k -> new ArrayList<>()).add(s.firstCallNs());
                    }
                });
            }
        }
        return ColdFigures.of(startup, firstCalls);
    }

    private static Long median(List<Long> values) {
        double[] v = values.stream().filter(x -> x != null).mapToDouble(Long::doubleValue).toArray();
        return v.length == 0 ? null : Math.round(Statistics.median(v));
    }
}
