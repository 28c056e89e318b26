package org.equibench.bench;

import org.equibench.check.EquivalenceGate.Outputs;

/** What a row is compared against: outputs, or the reason there are none. */
public record ReferenceOutputs(Outputs outputs, String unavailable) {

    public static ReferenceOutputs of(Outputs outputs) {
        return new ReferenceOutputs(outputs, null);
    }

    public static ReferenceOutputs missing(String why) {
        return new ReferenceOutputs(null, why);
    }

    public boolean available() {
        return outputs != null;
    }
}
