package org.equibench.runner;

import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.measure.ProcessHost;
import org.equibench.measure.ProcessSampler.Sample;

/**
 * One runner process, seen from the harness: the result it reported (or why there is none), and what the
 * parent measured itself (wall time, peak RSS, resource timeline, stderr tail), the environment it set, and the
 * machine it ran on; for a row run in a container, what the container added ({@link ContainerFigures}, else null).
 */
public record RowRun(
        RunSpec spec,
        RunResult result,
        String error,
        int exitCode,
        long wallNs,
        long peakRssBytes,
        String stderrTail,
        Path outDir,
        List<Sample> timeline,
        long spawnEpochNs,
        Map<String, String> environment,
        ProcessHost host,
        ContainerFigures container) {

    /** A run of a local process (no container). */
    public RowRun(RunSpec spec, RunResult result, String error, int exitCode, long wallNs, long peakRssBytes, String stderrTail,
                  Path outDir, List<Sample> timeline, long spawnEpochNs, Map<String, String> environment, ProcessHost host) {
        this(spec, result, error, exitCode, wallNs, peakRssBytes, stderrTail, outDir, timeline, spawnEpochNs, environment, host, null);
    }

    /** The same run, as it ran in a container. */
    public RowRun inContainer(ContainerFigures figures) {
        return new RowRun(spec, result, error, exitCode, wallNs, peakRssBytes, stderrTail, outDir, timeline, spawnEpochNs, environment,
                host, figures);
    }

    /** A row whose process was never started (its task's inputs could not be prepared): an error, nothing measured. */
    public static RowRun notStarted(String error, Path outDir) {
        return new RowRun(null, null, error, -1, 0, 0, "", outDir, List.of(), 0, Map.of(), null);
    }

    public boolean ok() {
        return error == null && result != null && result.ok();
    }

    public Path output(String name) {
        String file = result == null || result.outputs() == null ? null : result.outputs().get(name);
        // Never a file outside the output folder, whoever built this run (RowExecutor refuses such results).
        return file == null || ResultValidation.outsideProblem(outDir, file).isPresent() ? null : outDir.resolve(file);
    }
}
