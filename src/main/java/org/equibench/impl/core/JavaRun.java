package org.equibench.impl.core;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.data.OutputDigest;
import java.util.function.Supplier;
import org.equibench.measure.PhaseMeter;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunResult.PhaseSamples;
import org.equibench.protocol.RunSpec;
import org.equibench.protocol.ThreadEnvironment;
import org.equibench.task.TaskParams;

/** One run of a Java implementation: the spec it got, and what it reports back (phases, outputs, runtime). */
public final class JavaRun {
    private final RunSpec spec;
    private final Path outDir;
    private final PhaseMeter meter;
    private final Map<String, PhaseSamples> phases = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> outputs = new LinkedHashMap<>();
    private final Map<String, Object> runtime = new LinkedHashMap<>();
    private final Map<String, Object> threads = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Object> manifest = new java.util.TreeMap<>();
    private final java.util.Set<String> unreadInputs = new java.util.HashSet<>();
    private final Map<String, RunResult.Span> spans = new LinkedHashMap<>();
    private Long readyEpochNs;

    public JavaRun(RunSpec spec, Path outDir) {
        this.spec = spec;
        this.outDir = outDir;
        this.meter = new PhaseMeter(spec.warmup(), spec.warmupMinMs(), spec.repetitions());
        runtime.put("language", "java");
        runtime.put("language_version", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        runtime.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        runtime.put("dtype", spec.dtype());
        runtime.put("device", spec.device());
        threads.put("requested", spec.threads());
        threads.put("available_processors", Runtime.getRuntime().availableProcessors());
        for (String env : ThreadEnvironment.VARIABLES) {
            threads.put(env, System.getenv(env));
        }
        runtime.put("threads", threads);
    }

    public RunSpec spec() {
        return spec;
    }

    public boolean wants(String phase) {
        return spec.phases().contains(phase);
    }

    /**
     * Runs one phase: measured (warm-up, HWM reset, timed repetitions) if the spec asks for it, otherwise once,
     * unmeasured, since later phases and the outputs need what it computes. Call the task's phases in its order.
     */
    public void phase(String name, int opsPerSample, PhaseMeter.Body body) throws Exception {
        phase(name, opsPerSample, body, null);
    }

    /**
     * As {@link #phase(String, int, PhaseMeter.Body)}, for a phase whose timed work is re-verified (PROTOCOL.md,
     * "Timed work re-verified"): after each timed repetition, outside the clock, {@code outputs} reads what the
     * repetition computed from the live state (not a copy kept from an earlier run), and its digest is reported.
     */
    public void phase(String name, int opsPerSample, PhaseMeter.Body body, Supplier<Map<String, NdArray>> outputs) throws Exception {
        if (!wants(name)) {
            body.run();
            return;
        }
        List<String> verified = spec.verified(name);
        PhaseMeter.AfterRepetition digest = verified.isEmpty() ? null : () -> digest(name, verified, outputs);
        long start = epochNanos();
        if (readyEpochNs == null) {
            readyEpochNs = start;
        }
        phases.put(name, meter.measure(opsPerSample, body, digest));
        spans.put(name, new RunResult.Span(start, epochNanos()));
    }

    private String digest(String phase, List<String> names, Supplier<Map<String, NdArray>> outputs) {
        Map<String, NdArray> computed = outputs == null ? Map.of() : outputs.get();
        List<NdArray> arrays = new ArrayList<>();
        for (String name : names) {
            NdArray array = computed.get(name);
            if (array == null) {
                throw new RunnerError(spec.impl() + " exposes no output '" + name + "' after phase '" + phase + "'");
            }
            arrays.add(array);
        }
        return OutputDigest.of(arrays);
    }

    /** The spec's params as the task's typed record; a missing, unknown or mistyped param is an error naming it. */
    public <P extends TaskParams> P params(Class<P> type) {
        try {
            return TaskParams.fromSpec(spec.params(), type);
        } catch (IllegalArgumentException e) {
            throw new RunnerError(e.getMessage(), e);
        }
    }

    public void framework(String name, String version) {
        runtime.put("framework", name);
        runtime.put("framework_version", version);
    }

    public void library(String name, String version) {
        @SuppressWarnings("unchecked")
        Map<String, Object> libs = (Map<String, Object>) runtime.computeIfAbsent("libraries", k -> new LinkedHashMap<>());
        libs.put(name, version);
    }

    /** The model's parameters as the library itself reports them (a JSON-friendly map or string). */
    public void hyperparameters(Object reported) {
        runtime.put("hyperparameters", reported);
    }

    /** A thread setting as read back from the library itself. */
    public void threadKnob(String name, Object value) {
        threads.put(name, value);
    }

    /** A field of the fairness manifest (see PROTOCOL.md), read back from the library or the code's own settings. */
    public void manifest(String field, Object value) {
        manifest.put(field, value);
    }

    /** A task hyperparameter as the implementation reads it back, reported as manifest field hp.NAME. */
    public void hyperparameter(String name, Object value) {
        manifest.put("hp." + name, value);
    }

    /** An input of the spec this implementation does not read, so its digest is not claimed in the manifest. */
    public void notRead(String role) {
        unreadInputs.add(role);
    }

    public void metric(String name, double value) {
        metrics.put(name, value);
    }

    public void note(String text) {
        notes.add(text);
    }

    /** Writes each output the spec asks for (a phase's outputs, as its verification supplier reads them). */
    public void outputs(Map<String, NdArray> arrays) throws java.io.IOException {
        for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
            output(e.getKey(), e.getValue());
        }
    }

    /** Writes an output array if the spec asks for it. */
    public void output(String name, NdArray array) throws java.io.IOException {
        if (spec.outputs().contains(name)) {
            String file = name + ".npy";
            Npy.write(outDir.resolve(file), array);
            outputs.put(name, file);
        }
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    public RunResult result() throws java.io.IOException {
        manifest.put("language", "java");
        manifest.put("language_version", runtime.get("language_version"));
        manifest.putIfAbsent("framework", runtime.get("framework"));
        manifest.putIfAbsent("framework_version", runtime.get("framework_version"));
        manifest.putIfAbsent("blas", "none");
        for (String env : ThreadEnvironment.VARIABLES) {
            manifest.put("threads.env." + env, System.getenv().getOrDefault(env, "unset"));
        }
        // digests of the bytes of every input file the implementation read, computed here, not copied from the spec
        for (var input : spec.inputs().entrySet()) {
            if (!unreadInputs.contains(input.getKey())) {
                manifest.put("input." + input.getKey() + ".sha256", org.equibench.data.Sha256.of(java.nio.file.Path.of(input.getValue().path())));
            }
        }
        runtime.put("manifest", manifest);
        return new RunResult(RunSpec.PROTOCOL_VERSION, spec.task(), spec.impl(), "ok", null, runtime, metrics, phases,
                outputs, notes, new RunResult.Timeline(readyEpochNs, spans));
    }
}
