package org.equibench.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.protocol.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decode figures pool the step times of every process of a row, as the phases pool their samples. */
class Gpt2DerivedMetricsTest {
    @TempDir
    Path dir;

    private Function<String, Path> process(String name, long stepNs) throws Exception {
        Path out = Files.createDirectories(dir.resolve(name));
        Npy.write(out.resolve("decode_step_ns.npy"), NdArray.labels(new long[] {stepNs, stepNs, stepNs, stepNs}));
        Npy.write(out.resolve("prompt_lengths.npy"), NdArray.labels(new long[] {8, 12}));
        return output -> out.resolve(output + ".npy");
    }

    @Test
    void tokensPerSecondPoolsEveryProcess() throws Exception {
        Gpt2GenerateTask task = new Gpt2GenerateTask(Checkpoint.seeded("GPT-2"));
        RunSpec spec = new RunSpec(1, task.id(), "java/x", "cpu", "f32", 1, 0, 0, 1, task.phases(), Map.of(),
                task.params(Scale.CI).toSpec(), task.outputs());
        Map<String, Double> m = task.derivedMetrics(spec, List.of(process("round-1", 20_000_000), process("round-2", 30_000_000)));
        assertThat(m.get("decode_tokens_per_s")).isCloseTo(40.0, within(1e-9)); // mean step 25 ms
        assertThat(m.get("token_p50_ms")).isCloseTo(25.0, within(1e-9));
        assertThat(m.get("prompt_tokens_mean")).isEqualTo(10.0);
    }
}
