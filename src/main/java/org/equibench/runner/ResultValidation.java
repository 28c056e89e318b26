package org.equibench.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;

/**
 * What a result.json that says "ok" must hold before anything reads it: a timed phase for every phase the spec
 * measures, with samples that are durations, and output files inside the row's output folder. A runner that
 * writes less, or names a file elsewhere (an absolute path, {@code ..}, a link out of the folder), gets an
 * error naming what is wrong instead of a crash in the statistics, or a file of the user's read as an output.
 */
public final class ResultValidation {
    private ResultValidation() {
    }

    /** The first thing wrong with an ok result, or empty. */
    public static Optional<String> problem(RunSpec spec, RunResult result, Path outDir) {
        if (result.protocol() != spec.protocol()) {
            return Optional.of("result.json speaks protocol " + result.protocol() + "; the spec was protocol " + spec.protocol());
        }
        Map<String, RunResult.PhaseSamples> phases = result.phases() == null ? Map.of() : result.phases();
        for (String phase : spec.phases()) {
            RunResult.PhaseSamples samples = phases.get(phase);
            if (samples == null) {
                return Optional.of("result.json has no measurements of phase '" + phase + "'");
            }
            if (samples.samplesNs() == null || samples.samplesNs().isEmpty()) {
                return Optional.of("result.json: phase '" + phase + "' has no timed samples");
            }
            if (samples.samplesNs().stream().anyMatch(ns -> ns == null || ns < 0)) {
                return Optional.of("result.json: phase '" + phase + "' has a sample that is not a duration: " + samples.samplesNs());
            }
            if (samples.opsPerSample() < 1 || samples.warmup() < 0) {
                return Optional.of("result.json: phase '" + phase + "' reports ops_per_sample " + samples.opsPerSample()
                        + " and warmup " + samples.warmup());
            }
        }
        Map<String, String> outputs = result.outputs() == null ? Map.of() : result.outputs();
        for (Map.Entry<String, String> output : outputs.entrySet()) {
            Optional<String> outside = outsideProblem(outDir, output.getValue());
            if (outside.isPresent()) {
                return Optional.of("result.json: output '" + output.getKey() + "' " + outside.get());
            }
        }
        return Optional.empty();
    }

    /** Why a file name from a runner does not name a file inside its output folder, or empty. */
    static Optional<String> outsideProblem(Path outDir, String file) {
        String where = "names '" + file + "', which is outside the row's output folder " + outDir;
        if (file == null || file.isEmpty()) {
            return Optional.of("names no file");
        }
        Path path;
        try {
            path = Path.of(file);
        } catch (java.nio.file.InvalidPathException e) {
            return Optional.of("names '" + file + "', which is not a file name: " + e.getReason());
        }
        if (path.isAbsolute() || !outDir.resolve(path).normalize().startsWith(outDir.normalize())) {
            return Optional.of(where);
        }
        Path resolved = outDir.resolve(path);
        if (Files.exists(resolved)) {
            try {
                // A link inside the folder may still point out of it.
                if (!resolved.toRealPath().startsWith(outDir.toRealPath())) {
                    return Optional.of("names '" + file + "', a link to " + resolved.toRealPath()
                            + ", outside the row's output folder " + outDir);
                }
            } catch (IOException e) {
                return Optional.of("names '" + file + "', which cannot be resolved: " + e.getMessage());
            }
        }
        return Optional.empty();
    }
}
