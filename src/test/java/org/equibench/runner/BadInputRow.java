package org.equibench.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equibench.bench.BenchmarkSession;
import org.equibench.bench.Settings;
import org.equibench.bench.TaskMatrix;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunSpec;
import org.equibench.task.Scale;
import org.equibench.task.Task;
import org.junit.jupiter.api.Assumptions;

/** One row of a task at CI scale, run through its real runner on inputs a bad-input test replaces. */
record BadInputRow(Launcher launcher, RunSpec spec) {

    /** The CI spec of {@code impl}, with its launcher; aborted (or failed under require=all) without the toolchain. */
    static BadInputRow of(Task task, String impl, Path workDir) throws IOException {
        BenchmarkSession session = new BenchmarkSession(Settings.fromSystemProperties().withScale(Scale.CI)
                .withWorkDir(workDir));
        Launcher launcher = session.launchers().forLanguage(task.implementation(impl).language());
        launcher.unavailableReason(impl).ifPresent(why -> {
            if (session.settings().requireAll()) {
                fail(impl + " runner unavailable and equibench.require=all: " + why);
            }
            Assumptions.abort(impl + " runner unavailable: " + why);
        });
        return new BadInputRow(launcher, new TaskMatrix(task, session).baseSpec().forImplementation(impl));
    }

    /** The row run once, without warm-up, on its spec with {@code replaced} inputs. */
    RowRun runWith(Path rowDir, Map<String, InputFile> replaced) {
        Map<String, InputFile> inputs = new LinkedHashMap<>(spec.inputs());
        inputs.putAll(replaced);
        RunSpec changed = new RunSpec(spec.protocol(), spec.task(), spec.impl(), spec.device(), spec.dtype(),
                spec.threads(), 0, 0, 1, spec.phases(), inputs, spec.params(), spec.outputs());
        return RowExecutor.execute(launcher, changed, rowDir, Duration.ofMinutes(2));
    }

    /** The error the row ends with on {@code replaced} inputs (it must fail, as a runner error, not a crash). */
    String errorWith(Path rowDir, Map<String, InputFile> replaced) {
        RowRun r = runWith(rowDir, replaced);
        assertThat(r.ok()).as("%s on a bad input", spec.impl()).isFalse();
        assertThat(r.error()).startsWith(spec.task() + " " + spec.impl() + ": runner exited with code 1");
        return r.error();
    }
}
