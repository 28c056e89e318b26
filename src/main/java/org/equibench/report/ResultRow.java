package org.equibench.report;

import java.util.List;
import java.util.Map;
import org.equibench.check.CheckOutcome;
import org.equibench.check.ManifestComparison;
import org.equibench.check.SpecIdentity;
import org.equibench.measure.ProcessHost;

/**
 * One (task, implementation) row of a results file. Phases and metrics are present only for rows whose
 * outputs passed the equivalence gate: a timing is never reported for an unverified row. The row's fairness
 * manifest is in {@code runtime.manifest}; how it differs from the reference row's is in
 * {@code manifestDifferences}. {@code device} is where the row computed (cpu, or cuda in a run on a GPU);
 * {@code hosts} the machine of each of its processes, in order; {@code spec} what its figures are figures of (absent
 * for a row that never got a spec, and in results written before rows carried it).
 */
public record ResultRow(String task, String impl, String language, String framework, String dtype, int threads,
                        String device, String status, String reason, String reference, String dataset, String note,
                        List<CheckOutcome> equivalence, List<ManifestComparison.Difference> manifestDifferences,
                        Map<String, Double> metrics, Map<String, PhaseStats> phases,
                        ProcessFigures process, ColdFigures cold, Map<String, Object> runtime,
                        Map<String, String> environment, List<ProcessHost> hosts, SpecIdentity spec) {

    /** Results files written before rows had a device ran every row on the cpu. */
    public ResultRow {
        device = device == null ? "cpu" : device;
        hosts = hosts == null ? List.of() : hosts;
    }

    /** The distinct CPU models the row's processes ran on (more than one: its rounds are not one figure). */
    public List<String> cpuModels() {
        return hosts.stream().map(ProcessHost::cpuModel).distinct().toList();
    }

    public static final String PASSED = "passed";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";
    public static final String ERROR = "error";

    /**
     * What the harness measured from outside the runner process. For a row run in a container
     * (-Dequibench.runtime=container) also the container's start-up before the runner ran (apart from the row's wall
     * time and phases), the peak of the container's memory cgroup, and the limits it ran under; null otherwise.
     */
    public record ProcessFigures(long wallNs, long peakRssBytes, Long containerStartupNs, Long cgroupPeakBytes, String containerLimits) {
        public ProcessFigures(long wallNs, long peakRssBytes) {
            this(wallNs, peakRssBytes, null, null, null);
        }
    }
}
