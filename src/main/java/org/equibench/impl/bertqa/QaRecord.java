package org.equibench.impl.bertqa;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaRun;

/**
 * What answering produces, in the layout of the task's outputs (PROTOCOL.md, "Task `bert-qa`", "Outputs"): every feature with its
 * logits, each question's span and times. Cleared at the start of every repetition, so the outputs are the last one's.
 */
final class QaRecord {
    private final int questions;
    private final List<Feature> features = new ArrayList<>();
    private final List<float[]> startLogits = new ArrayList<>();
    private final List<float[]> endLogits = new ArrayList<>();
    private final long[] answerTokens;
    private final long[] answerChars;
    private final long[] latencyNs;
    private final long[] modelNs;

    QaRecord(int questions) {
        this.questions = questions;
        this.answerTokens = new long[questions * 3];
        this.answerChars = new long[questions * 2];
        this.latencyNs = new long[questions];
        this.modelNs = new long[questions];
    }

    void clear() {
        features.clear();
        startLogits.clear();
        endLogits.clear();
    }

    /** One question's features, logits, chosen span (feature index within {@code qFeatures}) and times. */
    void question(int q, List<Feature> qFeatures, List<float[]> qStart, List<float[]> qEnd, SpanChoice.Span span,
                  long latency, long model) {
        int first = features.size();
        features.addAll(qFeatures);
        startLogits.addAll(qStart);
        endLogits.addAll(qEnd);
        if (span.found()) {
            Feature f = qFeatures.get(span.feature());
            set(answerTokens, q, first + span.feature(), span.start(), span.end());
            set(answerChars, q, f.starts()[span.start()], f.ends()[span.end()]);
        } else {
            set(answerTokens, q, -1, -1, -1);
            set(answerChars, q, -1, -1);
        }
        latencyNs[q] = latency;
        modelNs[q] = model;
    }

    private static void set(long[] rows, int row, long... values) {
        System.arraycopy(values, 0, rows, row * values.length, values.length);
    }

    int features() {
        return features.size();
    }

    void writeOutputs(JavaRun run) throws IOException {
        run.outputs(outputs());
    }

    /** Every output as the record stands (read after each timed repetition of answer, and for the output files). */
    Map<String, NdArray> outputs() {
        int f = features.size();
        int t = features.stream().mapToInt(Feature::length).sum();
        long[] question = new long[f];
        long[] lengths = new long[f];
        double[] ids = new double[t];
        double[] types = new double[t];
        double[] mask = new double[t];
        double[] offsets = new double[2 * t];
        double[] start = new double[t];
        double[] end = new double[t];
        int at = 0;
        for (int i = 0; i < f; i++) {
            Feature feature = features.get(i);
            question[i] = feature.question();
            lengths[i] = feature.length();
            for (int p = 0; p < feature.length(); p++, at++) {
                ids[at] = feature.inputIds()[p];
                types[at] = feature.tokenTypeIds()[p];
                mask[at] = feature.attentionMask()[p];
                offsets[2 * at] = feature.starts()[p];
                offsets[2 * at + 1] = feature.ends()[p];
                start[at] = startLogits.get(i)[p];
                end[at] = endLogits.get(i)[p];
            }
        }
        Map<String, NdArray> outputs = new LinkedHashMap<>();
        outputs.put("feature_question", NdArray.labels(question));
        outputs.put("feature_lengths", NdArray.labels(lengths));
        outputs.put("input_ids", i64(ids, t));
        outputs.put("token_type_ids", i64(types, t));
        outputs.put("attention_mask", i64(mask, t));
        outputs.put("offsets", i64(offsets, t, 2));
        outputs.put("start_logits", new NdArray(NdArray.DType.F32, new int[] {t}, start));
        outputs.put("end_logits", new NdArray(NdArray.DType.F32, new int[] {t}, end));
        outputs.put("answer_tokens", i64(toDoubles(answerTokens), questions, 3));
        outputs.put("answer_chars", i64(toDoubles(answerChars), questions, 2));
        outputs.put("latency_ns", i64(toDoubles(latencyNs), questions));
        outputs.put("model_ns", i64(toDoubles(modelNs), questions));
        return outputs;
    }

    private static NdArray i64(double[] values, int... shape) {
        return new NdArray(NdArray.DType.I64, shape, values);
    }

    private static double[] toDoubles(long[] values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = values[i];
        }
        return v;
    }
}
