package org.equibench.protocol;

import java.util.Map;

/** The fairness manifest inside a result's runtime section (PROTOCOL.md, "The fairness manifest"). */
public final class Manifest {
    private Manifest() {
    }

    /** The flat manifest of a runtime report, or null if the runner sent none. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> of(Map<String, Object> runtime) {
        return runtime != null && runtime.get("manifest") instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }
}
