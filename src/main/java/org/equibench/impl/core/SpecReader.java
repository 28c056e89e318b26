package org.equibench.impl.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.equibench.data.Json;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunSpec;

/**
 * Reads the spec.json a Java row is given and checks that every field the protocol requires is there and sane, so
 * that a spec missing a field or holding nonsense fails naming the field, in the runner's words, never with a
 * NullPointerException from deep inside a row.
 */
public final class SpecReader {
    private SpecReader() {
    }

    public static RunSpec read(Path file) throws IOException {
        RunSpec spec;
        try {
            spec = Json.read(file, RunSpec.class);
        } catch (IOException e) {
            throw new IOException("malformed spec " + file + ": " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        if (spec == null) {
            throw new RunnerError("malformed spec " + file + ": not a JSON object");
        }
        require(file, spec.task(), "task");
        require(file, spec.impl(), "impl");
        require(file, spec.device(), "device");
        require(file, spec.dtype(), "dtype");
        require(file, spec.phases(), "phases");
        require(file, spec.inputs(), "inputs");
        require(file, spec.params(), "params");
        require(file, spec.outputs(), "outputs");
        if (spec.phases().contains(null) || spec.outputs().contains(null)) {
            throw new RunnerError("malformed spec " + file + ": phases and outputs must be lists of names");
        }
        for (Map.Entry<String, InputFile> input : spec.inputs().entrySet()) {
            if (input.getValue() == null || input.getValue().path() == null || input.getValue().kind() == null) {
                throw new RunnerError("malformed spec " + file + ": inputs." + input.getKey() + " needs a path and a kind");
            }
        }
        if (spec.threads() < 1 || spec.repetitions() < 1 || spec.warmup() < 0 || spec.warmupMinMs() < 0) {
            throw new RunnerError("malformed spec " + file + ": threads " + spec.threads() + " and repetitions "
                    + spec.repetitions() + " must be at least 1, warmup " + spec.warmup() + " and warmup_min_ms "
                    + spec.warmupMinMs() + " at least 0");
        }
        return spec;
    }

    private static void require(Path file, Object value, String field) {
        if (value == null) {
            throw new RunnerError("malformed spec " + file + ": '" + field + "' is missing");
        }
    }
}
