package org.equibench.impl.classical;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.equibench.protocol.RunSpec;

/**
 * Checks of a classical task's spec (PROTOCOL.md, "Classical ML tasks") beyond what the runner core and the typed
 * params already check: f64 on the CPU, exactly the task's input roles, and the ranges of param values.
 */
final class ClassicalSpecs {
    private ClassicalSpecs() {
    }

    /** f64 on the CPU and exactly these input roles. */
    static void check(RunSpec spec, List<String> inputRoles) {
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
    }

    static int atLeast(String name, int value, int least) {
        require(value >= least, "params." + name + " must be at least " + least + ", got " + value);
        return value;
    }

    static double positive(String name, double value) {
        require(value > 0 && Double.isFinite(value), "params." + name + " must be positive, got " + value);
        return value;
    }

    static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException("spec: " + message);
        }
    }

    /**
     * A linreg-california spec's inputs checked and its params read; every row fits an intercept, and says in
     * {@code whyIntercept} how (a spec asking for none fails with that reason).
     */
    static org.equibench.task.LinregCaliforniaTask.Params linregParams(org.equibench.impl.core.JavaRun run, String whyIntercept) {
        check(run.spec(), List.of("data", "split"));
        org.equibench.task.LinregCaliforniaTask.Params p = run.params(org.equibench.task.LinregCaliforniaTask.Params.class);
        require(p.fitIntercept(), "params.fit_intercept must be true: " + whyIntercept);
        return p;
    }

    /** A kmeans-blobs spec's inputs checked and its params read: k and max_iter at least 1. */
    static org.equibench.task.KmeansBlobsTask.Params kmeansParams(org.equibench.impl.core.JavaRun run) {
        check(run.spec(), List.of("data", "init"));
        org.equibench.task.KmeansBlobsTask.Params p = run.params(org.equibench.task.KmeansBlobsTask.Params.class);
        return new org.equibench.task.KmeansBlobsTask.Params(atLeast("k", p.k(), 1), atLeast("max_iter", p.maxIter(), 1));
    }

    /** The points of a k-means spec (n × d, finite), at least k of them. */
    static org.equibench.data.NdArray kmeansPoints(RunSpec spec, int k) throws Exception {
        java.nio.file.Path file = java.nio.file.Path.of(spec.input("data"));
        org.equibench.data.NdArray a = InputArrays.finiteMatrix(file);
        int n = a.shape()[0];
        int d = a.shape()[1];
        require(n >= k && d >= 1, file.getFileName() + ": " + n + " rows of " + d + " features, need at least k = " + k + " rows");
        return a;
    }
}
