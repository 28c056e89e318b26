package org.equibench.impl.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.equibench.data.Npy;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunSpec;
import org.equibench.task.Task;

/**
 * What the Java runner core checks before the first phase, with the same wording as the Python and Rust cores
 * (PROTOCOL.md, "Input validation"): the phases and outputs the task has, and every declared .npy input's dtype
 * and shape read from its header.
 */
public final class SpecValidation {
    private SpecValidation() {
    }

    public static void check(RunSpec spec, Task task) throws IOException {
        phasesAndOutputs(spec, task);
        inputs(spec);
    }

    /** The spec's phases and outputs are the task's, the phases in the task's order. */
    public static void phasesAndOutputs(RunSpec spec, Task task) {
        List<String> unknown = spec.phases().stream().filter(p -> !task.phases().contains(p)).toList();
        if (!unknown.isEmpty()) {
            throw new RunnerError("spec: " + spec.task() + " has no phase " + String.join(", ", unknown)
                    + " (it has " + String.join(", ", task.phases()) + ")");
        }
        if (!spec.phases().equals(task.phases().stream().filter(spec.phases()::contains).toList())) {
            throw new RunnerError("spec: phases must come in the order " + String.join(", ", task.phases()));
        }
        List<String> unknownOutputs = spec.outputs().stream().filter(o -> !task.outputs().contains(o)).toList();
        if (!unknownOutputs.isEmpty()) {
            throw new RunnerError("spec: " + spec.task() + " has no output " + String.join(", ", unknownOutputs)
                    + " (it has " + String.join(", ", task.outputs()) + ")");
        }
    }

    /** Every npy input that declares a dtype and shape has them, read from the file's header. */
    public static void inputs(RunSpec spec) throws IOException {
        for (Map.Entry<String, InputFile> e : spec.inputs().entrySet()) {
            InputFile in = e.getValue();
            if (!"npy".equals(in.kind()) || in.dtype() == null || in.shape() == null) {
                continue;
            }
            Integer[] expected = resolve(e.getKey(), in.shape(), spec.params());
            Npy.Header found = Npy.header(Path.of(in.path()));
            if (!in.dtype().equals(found.descr()) || !matches(expected, found.shape())) {
                throw new RunnerError(Path.of(in.path()).getFileName() + ": expected " + in.dtype() + " of shape "
                        + tuple(Arrays.asList(expected)) + ", found " + found.descr() + " of shape "
                        + tuple(Arrays.stream(found.shape()).boxed().toList()));
            }
        }
    }

    private static Integer[] resolve(String role, List<Object> shape, Map<String, Object> params) {
        Integer[] dims = new Integer[shape.size()];
        for (int i = 0; i < dims.length; i++) {
            Object d = shape.get(i);
            if (d instanceof String name) {
                Object v = params == null ? null : params.get(name);
                if (!(v instanceof Integer || v instanceof Long)) {
                    throw new RunnerError("spec: inputs." + role + ".shape names '" + name
                            + "', which is not an integer in params");
                }
                dims[i] = ((Number) v).intValue();
            } else {
                dims[i] = d == null ? null : ((Number) d).intValue();
            }
        }
        return dims;
    }

    private static boolean matches(Integer[] expected, int[] found) {
        if (expected.length != found.length) {
            return false;
        }
        for (int i = 0; i < found.length; i++) {
            if (expected[i] != null && expected[i] != found[i]) {
                return false;
            }
        }
        return true;
    }

    /** A shape as Python writes a tuple, with {@code ?} for a dimension of any length. */
    static String tuple(List<Integer> dims) {
        List<String> parts = new ArrayList<>();
        dims.forEach(d -> parts.add(d == null ? "?" : d.toString()));
        return "(" + String.join(", ", parts) + (parts.size() == 1 ? ",)" : ")");
    }
}
