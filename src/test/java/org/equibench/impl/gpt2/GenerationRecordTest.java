package org.equibench.impl.gpt2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.data.Npy;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outputs in the dtypes and shapes of PROTOCOL.md, "Task gpt2-generate". */
class GenerationRecordTest {
    private static final List<String> OUTPUTS =
            List.of("prompt_ids", "prompt_lengths", "first_logits", "generated_ids", "step_top2", "decode_step_ns");

    @TempDir
    Path dir;

    @Test
    void writesEveryOutputWithTheProtocolsDtypeAndShape() throws Exception {
        GenerationRecord record = new GenerationRecord(new long[][] {{10, 11, 12}, {20}}, 3, 4);
        record.firstLogits[5] = 0.1f;
        record.generated[4] = 50256;
        record.top2[11] = -2.5f;
        record.stepNs[3] = 123_456_789L;
        JavaRun run = new JavaRun(new RunSpec(1, "gpt2-generate", "java/x", "cpu", "f32", 1, 0, 0, 1, List.of(),
                Map.of(), Map.of(), OUTPUTS), dir);

        record.writeOutputs(run);

        assertThat(read("prompt_ids")).isEqualTo(new NdArray(NdArray.DType.I64, new int[] {4}, new double[] {10, 11, 12, 20}));
        assertThat(read("prompt_lengths")).isEqualTo(new NdArray(NdArray.DType.I64, new int[] {2}, new double[] {3, 1}));
        NdArray logits = read("first_logits");
        assertThat(logits.dtype()).isEqualTo(NdArray.DType.F32);
        assertThat(logits.shape()).containsExactly(2, 4);
        assertThat(logits.values()[5]).isEqualTo(0.1f);
        NdArray ids = read("generated_ids");
        assertThat(ids.dtype()).isEqualTo(NdArray.DType.I64);
        assertThat(ids.shape()).containsExactly(2, 3);
        assertThat(ids.values()[4]).isEqualTo(50256);
        NdArray top2 = read("step_top2");
        assertThat(top2.dtype()).isEqualTo(NdArray.DType.F32);
        assertThat(top2.shape()).containsExactly(2, 3, 2);
        assertThat(top2.values()[11]).isEqualTo(-2.5);
        NdArray steps = read("decode_step_ns");
        assertThat(steps.dtype()).isEqualTo(NdArray.DType.I64);
        assertThat(steps.shape()).containsExactly(2, 2);
        assertThat(steps.values()[3]).isEqualTo(123_456_789.0);
    }

    private NdArray read(String name) throws Exception {
        return Npy.read(dir.resolve(name + ".npy"));
    }
}
