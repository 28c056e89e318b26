package org.equibench.check;

import java.util.Map;
import java.util.TreeMap;
import org.equibench.data.Json;
import org.equibench.data.Sha256;
import org.equibench.protocol.RunSpec;

/**
 * The identity of the work a spec asks for: task, dtype, params, outputs and the digest of every input, but not
 * paths, the implementation, or how often to repeat it. Goldens are keyed by it.
 */
public final class SpecFingerprint {
    private SpecFingerprint() {
    }

    public static String of(RunSpec spec) {
        Map<String, Object> identity = new TreeMap<>();
        identity.put("task", spec.task());
        identity.put("dtype", spec.dtype());
        identity.put("params", new TreeMap<>(spec.params()));
        identity.put("outputs", spec.outputs());
        Map<String, String> digests = new TreeMap<>();
        spec.inputs().forEach((role, f) -> digests.put(role, f.sha256()));
        identity.put("inputs", digests);
        return Sha256.of(Json.write(identity));
    }
}
