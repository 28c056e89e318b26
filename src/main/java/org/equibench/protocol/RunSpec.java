package org.equibench.protocol;

import java.util.List;
import java.util.Map;

/**
 * What one implementation is asked to do: the spec.json of the runner protocol
 * (containers/PROTOCOL.md). Identical for every implementation of a task except {@code impl} and, in a run on a
 * GPU, {@code device} (the rows that cannot use it stay on the cpu).
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
        List<String> outputs,
        Map<String, List<String>> verify) {

    public static final int PROTOCOL_VERSION = 1;

    /** A spec that asks for no digests of the timed work (PROTOCOL.md, "Timed work re-verified"). */
    public RunSpec(int protocol, String task, String impl, String device, String dtype, int threads, int warmup, int warmupMinMs,
                   int repetitions, List<String> phases, Map<String, InputFile> inputs, Map<String, Object> params,
                   List<String> outputs) {
        this(protocol, task, impl, device, dtype, threads, warmup, warmupMinMs, repetitions, phases, inputs, params, outputs, null);
    }

    public RunSpec forImplementation(String implId) {
        return new RunSpec(protocol, task, implId, device, dtype, threads, warmup, warmupMinMs, repetitions, phases, inputs,
                params, outputs, verify);
    }

    /** The same spec on another device. */
    public RunSpec onDevice(String name) {
        return new RunSpec(protocol, task, impl, name, dtype, threads, warmup, warmupMinMs, repetitions, phases, inputs,
                params, outputs, verify);
    }

    /** The outputs whose digests each timed repetition of a phase reports; empty for a phase not verified. */
    public List<String> verified(String phase) {
        return verify == null ? List.of() : verify.getOrDefault(phase, List.of());
    }

    public String input(String role) {
        InputFile f = inputs.get(role);
        if (f == null) {
            throw new IllegalArgumentException("spec for " + task + " has no input '" + role + "'");
        }
        return f.path();
    }
}
