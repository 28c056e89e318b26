package org.equibench.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a row's fairness manifest (what the implementation read back at run time) with the reference row's.
 * Descriptive fields (language, versions, BLAS) are shown but not compared; every other field must be equal,
 * or declared by the task with a reason. A field one side does not report counts as a difference ("missing").
 */
public final class ManifestComparison {
    public static final Set<String> DESCRIPTIVE = Set.of("language", "language_version", "framework", "framework_version", "blas",
            "native.engine", "native.library", "native.sha256");
    public static final String MISSING = "missing";

    /** One differing field; {@code declaredReason} is null when the task does not declare it. */
    public record Difference(String field, String reference, String actual, String declaredReason) {
        public boolean declared() {
            return declaredReason != null;
        }
    }

    private ManifestComparison() {
    }

    public static List<Difference> compare(Map<String, Object> reference, Map<String, Object> actual, Map<String, String> declared) {
        Set<String> fields = new TreeSet<>();
        if (reference != null) {
            fields.addAll(reference.keySet());
        }
        if (actual != null) {
            fields.addAll(actual.keySet());
        }
        fields.removeAll(DESCRIPTIVE);
        List<Difference> differences = new ArrayList<>();
        for (String field : fields) {
            String r = text(reference == null ? null : reference.get(field));
            String a = text(actual == null ? null : actual.get(field));
            if (!r.equals(a)) {
                differences.add(new Difference(field, r, a, declared.get(field)));
            }
        }
        return differences;
    }

    /** Canonical text of a manifest value: 1 and 1.0 are the same number; null is "missing". */
    public static String text(Object v) {
        if (v == null) {
            return MISSING;
        }
        if (v instanceof Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        return v.toString();
    }
}
