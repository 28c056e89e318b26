package org.equibench.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equibench.check.CheckOutcome;
import org.equibench.data.OutputDigest;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.RowRun;
import org.equibench.task.Implementation;
import org.equibench.task.Task;

/**
 * MLPerf's TEST01 for every row (PROTOCOL.md, "Timed work re-verified"): the digest each timed repetition reported
 * of its phase's outputs must be the digest of the outputs the process wrote, which are what the gate compared.
 * One outcome per verified phase, in the row's equivalence table; a differing repetition fails it, named.
 */
public final class TimedWorkCheck {
    static final String WHY = "the timed work must be the work that passed the gate: every timed repetition's outputs hash "
            + "to the outputs written";

    private TimedWorkCheck() {
    }

    public static List<CheckOutcome> outcomes(Task task, Implementation impl, List<RowRun> processes) {
        RunSpec spec = processes.isEmpty() ? null : processes.get(0).spec();
        if (spec == null) {
            return List.of(); // nothing ran from a spec: nothing was timed
        }
        String exempt = exemption(task, impl, spec);
        List<CheckOutcome> outcomes = new ArrayList<>();
        for (String phase : spec.phases()) {
            List<String> names = spec.verified(phase);
            if (names.isEmpty()) {
                continue;
            }
            String problem = firstMismatch(phase, names, processes);
            boolean passed = problem == null || exempt != null;
            String note = problem != null && exempt != null ? problem + " — not failed: " + exempt : null;
            outcomes.add(new CheckOutcome(phase + " (timed work)", "written outputs", "sha256_per_repetition",
                    problem == null ? 0 : 1, 0, WHY + " (" + String.join(", ", names) + ")", passed, passed ? null : problem, note));
        }
        return outcomes;
    }

    /** Why differing digests do not fail this row, or null. */
    private static String exemption(Task task, Implementation impl, RunSpec spec) {
        String declared = task.repetitionsMayDiffer(impl);
        if (declared != null) {
            return declared;
        }
        if (spec.threads() > 1) {
            return spec.threads() + " threads may order reductions differently from one run to the next";
        }
        if (!"cpu".equals(spec.device())) {
            return "on " + spec.device() + ", kernels may order reductions differently from one run to the next";
        }
        return null;
    }

    private static String firstMismatch(String phase, List<String> names, List<RowRun> processes) {
        for (int p = 0; p < processes.size(); p++) {
            RowRun run = processes.get(p);
            String where = processes.size() > 1 ? " (process " + (p + 1) + " of " + processes.size() + ")" : "";
            RunResult.PhaseSamples samples = run.result().phases().get(phase);
            List<String> digests = samples == null ? null : samples.outputSha256();
            if (digests == null || digests.size() != samples.samplesNs().size()) {
                return "phase '" + phase + "'" + where + " reported " + (digests == null ? "no" : digests.size())
                        + " output digests for " + (samples == null ? 0 : samples.samplesNs().size()) + " timed repetitions";
            }
            String written;
            try {
                List<Path> files = new ArrayList<>();
                for (String name : names) {
                    Path file = run.output(name);
                    if (file == null) {
                        return "phase '" + phase + "'" + where + ": output '" + name + "' was not written";
                    }
                    files.add(file);
                }
                written = OutputDigest.ofFiles(files);
            } catch (IOException e) {
                return "phase '" + phase + "'" + where + ": the written outputs cannot be read: " + e.getMessage();
            }
            for (int r = 0; r < digests.size(); r++) {
                if (!written.equals(digests.get(r))) {
                    return "phase '" + phase + "' repetition " + (r + 1) + " of " + digests.size() + where + " computed outputs "
                            + "hashing to " + abbreviate(digests.get(r)) + ", but the outputs written hash to " + abbreviate(written)
                            + ": what was timed is not what passed the gate";
                }
            }
        }
        return null;
    }

    private static String abbreviate(String digest) {
        return digest == null ? "nothing" : digest.substring(0, Math.min(12, digest.length())) + "…";
    }
}
