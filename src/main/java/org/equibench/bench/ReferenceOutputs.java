package org.equibench.bench;

import java.util.Map;
import org.equibench.check.EquivalenceGate.Outputs;

/**
 * What a row is compared against: outputs, or the reason there are none. {@code noGoldenKept} marks the one
 * case where the reference row has nothing to be checked against by design (no golden is committed for a
 * scale whose data is large); it then stands as the reference itself, and says so.
 */
public record ReferenceOutputs(Outputs outputs, Map<String, Object> manifest, String unavailable, boolean noGoldenKept) {

    public static ReferenceOutputs of(Outputs outputs, Map<String, Object> manifest) {
        return new ReferenceOutputs(outputs, manifest, null, false);
    }

    public static ReferenceOutputs missing(String why) {
        return new ReferenceOutputs(null, null, why, false);
    }

    public static ReferenceOutputs noGoldenKept(String why) {
        return new ReferenceOutputs(null, null, why, true);
    }

    public boolean available() {
        return outputs != null;
    }
}
