package org.equibench.impl.bertqa;

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

/** The outputs: features concatenated, answers as feature index over all features and characters from the offsets. */
class QaRecordTest {
    private static final List<String> OUTPUTS = List.of("feature_question", "feature_lengths", "input_ids", "token_type_ids",
            "attention_mask", "offsets", "start_logits", "end_logits", "answer_tokens", "answer_chars", "latency_ns", "model_ns");

    @TempDir
    Path dir;

    @Test
    void answersPointIntoAllFeaturesAndTheirCharactersComeFromTheOffsets() throws Exception {
        QaTokenizer.Tokens context = new QaTokenizer.Tokens(new long[] {11, 12, 13}, new int[] {0, 6, 12}, new int[] {5, 11, 20});
        Feature f0 = Feature.of(0, new long[] {5}, context, 384, 128, 64).get(0); // 7 tokens, context at 3..5
        Feature f1 = Feature.of(1, new long[] {5, 6}, context, 384, 128, 64).get(0); // 8 tokens, context at 4..6
        QaRecord record = new QaRecord(3);
        record.clear();
        float[] s0 = {0, 0, 0, 1.5f, 0, 0, 0};
        record.question(0, List.of(f0), List.of(s0), List.of(new float[7]), new SpanChoice.Span(0, 3, 4), 100, 40);
        record.question(1, List.of(f1), List.of(new float[8]), List.of(new float[8]), new SpanChoice.Span(0, 5, 6), 200, 80);
        record.question(2, List.of(), List.of(), List.of(), SpanChoice.NONE, 300, 0);

        JavaRun run = new JavaRun(new RunSpec(1, "bert-qa", "java/onnxruntime", "cpu", "f32", 1, 0, 0, 1,
                List.of("load", "answer"), Map.of(), Map.of(), OUTPUTS), dir);
        record.writeOutputs(run);

        assertThat(read("answer_tokens")).containsExactly(0, 3, 4, 1, 5, 6, -1, -1, -1);
        assertThat(read("answer_chars")).containsExactly(0, 11, 6, 20, -1, -1);
        assertThat(read("feature_question")).containsExactly(0, 1);
        assertThat(read("feature_lengths")).containsExactly(7, 8);
        assertThat(Npy.read(dir.resolve("offsets.npy")).shape()).containsExactly(15, 2);
        assertThat(read("offsets")).startsWith(-1, -1, -1, -1, -1, -1, 0, 5, 6, 11);
        assertThat(read("start_logits")).startsWith(0, 0, 0, 1.5);
        assertThat(read("latency_ns")).containsExactly(100, 200, 300);
        assertThat(read("model_ns")).containsExactly(40, 80, 0);
        assertThat(Npy.read(dir.resolve("start_logits.npy")).dtype()).isEqualTo(NdArray.DType.F32);
        assertThat(Npy.read(dir.resolve("input_ids.npy")).dtype()).isEqualTo(NdArray.DType.I64);
    }

    private double[] read(String name) throws Exception {
        return Npy.read(dir.resolve(name + ".npy")).values();
    }
}
