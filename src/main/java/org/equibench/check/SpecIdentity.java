package org.equibench.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.equibench.protocol.RunSpec;

/**
 * What a row's timings are timings of, kept with the row in the results: the spec fingerprint (task, dtype,
 * params, outputs, input digests; see {@link SpecFingerprint}) and, field by field, what it is made of, plus the
 * threads and device the row ran with. Two runs' figures of a row compare only when these agree; when they do
 * not, {@link #differences} names the fields.
 */
public record SpecIdentity(String fingerprint, String dtype, int threads, String device, Map<String, Object> params,
                           Map<String, String> inputs) {

    public static SpecIdentity of(RunSpec spec) {
        Map<String, String> digests = new TreeMap<>();
        spec.inputs().forEach((role, f) -> digests.put(role, f.sha256()));
        return new SpecIdentity(SpecFingerprint.of(spec), spec.dtype(), spec.threads(), spec.device(),
                new TreeMap<>(spec.params()), digests);
    }

    /** The fields that differ from {@code other}'s, as "field: this → other"; empty when the work is the same. */
    public List<String> differences(SpecIdentity other) {
        List<String> d = new ArrayList<>();
        field(d, "dtype", dtype, other.dtype);
        field(d, "threads", threads, other.threads);
        field(d, "device", device, other.device);
        for (String key : new TreeSet<>(union(params.keySet(), other.params.keySet()))) {
            field(d, "params." + key, params.get(key), other.params.get(key));
        }
        for (String role : new TreeSet<>(union(inputs.keySet(), other.inputs.keySet()))) {
            field(d, "inputs." + role + " (sha256)", shortHash(inputs.get(role)), shortHash(other.inputs.get(role)));
        }
        if (d.isEmpty() && !Objects.equals(fingerprint, other.fingerprint)) {
            d.add("fingerprint: " + fingerprint + " → " + other.fingerprint + " (the declared outputs differ)");
        }
        return d;
    }

    private static void field(List<String> d, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            d.add(name + ": " + (a == null ? "absent" : a) + " → " + (b == null ? "absent" : b));
        }
    }

    private static String shortHash(String sha256) {
        return sha256 == null ? null : sha256.substring(0, Math.min(12, sha256.length()));
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
