package org.equibench.impl.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.Manifest;
import org.equibench.protocol.RunSpec;
import org.equibench.protocol.ThreadEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junitpioneer.jupiter.ClearEnvironmentVariable;
import org.junitpioneer.jupiter.SetEnvironmentVariable;

/** A Java row reports the thread variables as its process sees them, not as the harness meant to set them. */
class JavaRunThreadsTest {
    @TempDir
    Path dir;

    private JavaRun run() {
        return new JavaRun(new RunSpec(1, "t", "java/x", "cpu", "f64", 2, 0, 0, 1, List.of(), Map.of(), Map.of(), List.of()), dir);
    }

    @Test
    @SetEnvironmentVariable(key = "OMP_NUM_THREADS", value = "3")
    @ClearEnvironmentVariable(key = "MKL_NUM_THREADS")
    void manifestReadsTheEnvironmentBack() throws Exception {
        Map<String, Object> manifest = Manifest.of(run().result().runtime());
        assertThat(manifest).containsEntry("threads.env.OMP_NUM_THREADS", "3").containsEntry("threads.env.MKL_NUM_THREADS", "unset");
        for (String variable : ThreadEnvironment.VARIABLES) {
            assertThat(manifest).containsKey("threads.env." + variable);
        }
    }

    @Test
    @SetEnvironmentVariable(key = "RAYON_NUM_THREADS", value = "2")
    void runtimeRecordsTheRequestedCountAndTheEnvironment() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> threads = (Map<String, Object>) run().result().runtime().get("threads");
        assertThat(threads).containsEntry("requested", 2).containsEntry("RAYON_NUM_THREADS", "2");
    }
}
