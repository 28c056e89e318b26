package org.equibench.impl.classical;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.equibench.protocol.RunSpec;

/**
 * Checks of a classical task's spec (PROTOCOL.md, "Classical ML tasks") and its typed params. An ignored or
 * mistyped parameter would let two implementations silently compute different things, so anything the row
 * does not use exactly as given is an error.
 */
final class ClassicalSpecs {
    private ClassicalSpecs() {
    }

    /** f64 on the CPU, exactly these input roles and exactly these params. */
    static void check(RunSpec spec, List<String> inputRoles, List<String> paramNames) {
        require("f64".equals(spec.dtype()), spec.task() + " computes in f64 only; the spec asks for " + spec.dtype());
        require("cpu".equals(spec.device()), spec.impl() + " runs on cpu only; the spec asks for " + spec.device());
        List<String> missing = new ArrayList<>();
        for (String role : inputRoles) {
            if (!spec.inputs().containsKey(role)) {
                missing.add(role);
            }
        }
        Set<String> unknown = new TreeSet<>(spec.inputs().keySet());
        unknown.removeAll(inputRoles);
        require(missing.isEmpty() && unknown.isEmpty(), spec.task() + " takes the inputs " + String.join(", ", inputRoles)
                + "; missing: " + (missing.isEmpty() ? "none" : String.join(", ", missing))
                + ", unknown: " + (unknown.isEmpty() ? "none" : String.join(", ", unknown)));
        Set<String> unknownParams = new TreeSet<>(spec.params() == null ? Set.of() : spec.params().keySet());
        unknownParams.removeAll(paramNames);
        require(unknownParams.isEmpty(), "unknown params " + String.join(", ", unknownParams) + " (" + spec.task()
                + " takes " + String.join(", ", paramNames) + ")");
        for (String name : paramNames) {
            require(spec.params().get(name) != null, "params." + name + " is missing");
        }
    }

    static int intParam(RunSpec spec, String name, int atLeast) {
        Object v = spec.param(name);
        require(v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && Math.abs(n.doubleValue()) <= Integer.MAX_VALUE, "params." + name + " must be an integer, got " + v);
        int value = ((Number) v).intValue();
        require(value >= atLeast, "params." + name + " must be at least " + atLeast + ", got " + value);
        return value;
    }

    static double positiveParam(RunSpec spec, String name) {
        Object v = spec.param(name);
        require(v instanceof Number, "params." + name + " must be a number, got " + v);
        double value = ((Number) v).doubleValue();
        require(value > 0 && Double.isFinite(value), "params." + name + " must be positive, got " + value);
        return value;
    }

    static boolean boolParam(RunSpec spec, String name) {
        Object v = spec.param(name);
        require(v instanceof Boolean, "params." + name + " must be true or false, got " + v);
        return (Boolean) v;
    }

    static String stringParam(RunSpec spec, String name) {
        Object v = spec.param(name);
        require(v instanceof String, "params." + name + " must be a string, got " + v);
        return (String) v;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("spec: " + message);
        }
    }
}
