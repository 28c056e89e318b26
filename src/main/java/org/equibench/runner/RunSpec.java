package org.equibench.runner;

import java.util.List;
import java.util.Map;

/**
 * What one implementation is asked to do: the spec.json of the runner protocol
 * (containers/PROTOCOL.md). Identical for every implementation of a task except {@code impl}.
 */
public record RunSpec(
        int protocol,
        String task,
        String impl,
        String device,
        String dtype,
        int threads,
        int warmup,
        int warmupMinMs,
        int repetitions,
        List<String> phases,
        Map<String, InputFile> inputs,
        Map<String, Object> params,
        List<String> outputs) {

    public static final int PROTOCOL_VERSION = 1;

    /** A file the implementation must read, with its digest so the reader can prove what it read. */
    public record InputFile(String path, String sha256, String kind) {
    }

    public RunSpec forImplementation(String implId) {
        return new RunSpec(protocol, task, implId, device, dtype, threads, warmup, warmupMinMs, repetitions, phases, inputs,
                params, outputs);
    }

    /**
     * The identity of the work asked for: task, dtype, params, outputs and the digest of every input,
     * but not paths, the implementation, or how often to repeat it. Goldens are keyed by it.
     */
    public String fingerprint() {
        java.util.Map<String, Object> identity = new java.util.TreeMap<>();
        identity.put("task", task);
        identity.put("dtype", dtype);
        identity.put("params", new java.util.TreeMap<>(params));
        identity.put("outputs", outputs);
        java.util.Map<String, String> digests = new java.util.TreeMap<>();
        inputs.forEach((role, f) -> digests.put(role, f.sha256()));
        identity.put("inputs", digests);
        return org.equibench.data.Sha256.of(org.equibench.data.Json.write(identity));
    }

    public String input(String role) {
        InputFile f = inputs.get(role);
        if (f == null) {
            throw new IllegalArgumentException("spec for " + task + " has no input '" + role + "'");
        }
        return f.path();
    }

    public double doubleParam(String name) {
        return ((Number) param(name)).doubleValue();
    }

    public int intParam(String name) {
        return ((Number) param(name)).intValue();
    }

    public Object param(String name) {
        Object v = params.get(name);
        if (v == null) {
            throw new IllegalArgumentException("spec for " + task + " has no param '" + name + "'");
        }
        return v;
    }
}
