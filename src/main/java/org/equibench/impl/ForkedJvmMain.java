package org.equibench.impl;

import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.equibench.data.Json;
import org.equibench.protocol.RunResult;
import org.equibench.protocol.RunSpec;
import org.equibench.impl.core.RunnerError;
import org.equibench.impl.core.SpecReader;
import org.equibench.impl.core.SpecValidation;
import org.equibench.task.Task;
import org.equibench.task.Tasks;

/**
 * Entry point of the forked JVM that runs one Java implementation:
 * {@code java -cp … org.equibench.impl.ForkedJvmMain --spec SPEC --out DIR}. Same protocol as the
 * Python and Rust runners, so a Java row is measured in a process of its own, with its own JIT and RSS.
 */
public final class ForkedJvmMain {
    private ForkedJvmMain() {
    }

    public static void main(String[] args) {
        if (args.length == 1 && args[0].equals("--list")) {
            JavaImplementations.all().forEach(i -> System.out.println(i.task() + " " + i.id()));
            System.exit(0);
        }
        Path specFile = null;
        Path out = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--spec" -> specFile = Path.of(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> fail(null, null, "unknown argument " + args[i]);
            }
        }
        if (specFile == null || out == null) {
            fail(null, null, "usage: ForkedJvmMain --spec SPEC.json --out DIR");
        }
        RunSpec spec = null;
        try {
            Files.createDirectories(out);
            try {
                spec = SpecReader.read(specFile);
            } catch (IOException | RunnerError e) {
                fail(null, out, e.getMessage());
            }
            RunSpec s = spec;
            JavaImplementation impl = JavaImplementations.find(spec.task(), spec.impl())
                    .orElseThrow(() -> new RunnerError("the Java runner has no implementation " + s.impl() + " of task " + s.task()));
            Task task = Tasks.byId(spec.task()).orElseThrow(() -> new RunnerError("the Java runner has no task " + s.task()));
            SpecValidation.check(spec, task);
            JavaRun run = new JavaRun(spec, out);
            impl.run(run);
            Json.writeAtomically(out.resolve("result.json"), run.result());
            System.exit(0);
        } catch (Exception | LinkageError e) {
            fail(spec, out, e instanceof RunnerError ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static void fail(RunSpec spec, Path out, String message) {
        System.err.println("error: " + message);
        if (out != null) {
            try {
                Json.writeAtomically(out.resolve("result.json"), RunResult.error(spec, message));
            } catch (IOException ignored) {
                // the harness reports the missing result.json together with this stderr
            }
        }
        System.exit(1);
    }
}
