package org.equibench.task;

import org.equibench.check.OutputCheck;
import org.equibench.protocol.InputFile;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Everything the harness knows about one benchmark task, and the only place it knows it: what identical
 * means (inputs, hyperparameters, outputs, tolerances with reasons), its rows and its phases.
 */
public interface Task {
    String id();

    /**
     * The task the runners compute, the spec's {@code task}: this task's id, or for another configuration of a task
     * (the same inputs, phases and outputs with other params) the id of the task it configures, so that every row
     * runs it with its code unchanged, reading the params from the spec.
     */
    default String runnerTask() {
        return id();
    }

    /** Allure epic: the task family, e.g. "seed-000 MLP" or "classical ML". */
    String family();

    String title();

    /** Where the task comes in reports and runs: the seed benchmark first, then the seed plan's order. */
    int order();

    /** What the data is, said honestly: real and where from, or a generated stand-in. */
    String dataset();

    List<Implementation> implementations();

    /** The implementation whose outputs define "correct" and whose outputs are kept as goldens. */
    String referenceImpl();

    /** The row every ratio in the summary tables is taken against. */
    String baselineImpl();

    String dtype();

    List<String> phases();

    List<String> outputs();

    /** The checks a row must pass against the reference; may depend on the row (algorithm-level rows). */
    List<OutputCheck> checks(Implementation impl);

    /**
     * Manifest fields (see containers/PROTOCOL.md) in which this row may differ from the reference row, each
     * with the reason shown in the report. Any other difference fails the row.
     */
    default java.util.Map<String, String> declaredDifferences(Implementation impl) {
        return java.util.Map.of();
    }

    /** The inputs every row reads, in spec order, with the dtype and shape each runner checks. */
    List<InputDeclaration> inputs();

    /** The hyperparameters at this scale: the spec's {@code params}. */
    TaskParams params(Scale scale);

    /**
     * Writes the shared inputs (split, initial weights, generated data) under dir and describes them by role;
     * the harness adds each declared dtype and shape (see {@link #inputs()}).
     */
    java.util.Map<String, org.equibench.protocol.InputFile> prepare(Path root, Path dir, Scale scale) throws IOException;

    List<ReportColumn> reportColumns();

    /** A published benchmark's claims about this task to audit (data/claims/NAME.json), or null. */
    default String claimsFile() {
        return null;
    }

    /** True when the inputs differ by scale (data size); goldens are then kept per scale. */
    default boolean inputsDependOnScale() {
        return false;
    }

    /**
     * Figures the harness derives from a passing row's outputs, the same way for every row (per-token latency
     * percentiles from step times, say), added to the row's metrics; {@code processes} holds, for each process the
     * row ran in (one per round), a map from an output to its file, so that figures pool every round as the phases do.
     */
    default Map<String, Double> derivedMetrics(org.equibench.protocol.RunSpec spec,
                                               List<java.util.function.Function<String, Path>> processes) throws IOException {
        return Map.of();
    }

    /**
     * For each phase whose timed work is re-verified, the outputs it computes (PROTOCOL.md, "Timed work
     * re-verified"): every timed repetition's digest of them must equal the digest of the outputs that passed the gate.
     */
    Map<String, List<String>> verifiedOutputs();

    /**
     * Why this row's repetitions may legitimately compute different outputs (their digests are then reported, not
     * required to agree), or null: every run is deterministic. The row's own declaration unless a task knows more.
     */
    default String repetitionsMayDiffer(Implementation impl) {
        return impl.repetitionsMayDiffer();
    }

    /** Warm-up, repetitions and rounds at a scale: the scale's own unless the task's phases are long. */
    default Scale.Plan plan(Scale scale) {
        return scale.plan();
    }

    /**
     * Whether a golden of the reference outputs is committed at this scale (data/reference): not for tasks whose
     * data grows with the scale, except at CI scale.
     */
    default boolean goldenKept(Scale scale) {
        return !inputsDependOnScale() || scale == Scale.CI;
    }

    default Duration timeout(Scale scale) {
        return Duration.ofMinutes(scale == Scale.FULL ? 20 : 5);
    }

    default Implementation implementation(String id) {
        return implementations().stream().filter(i -> i.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("task " + id() + " has no implementation " + id));
    }
}
