package org.equibench.task;

import static org.equibench.task.ReportColumn.Source.PHASE_PEAK_RSS;
import static org.equibench.task.ReportColumn.Source.PROCESS_PEAK_RSS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.equibench.check.OutputCheck;
import org.equibench.data.InputFiles;
import org.equibench.data.Npy;
import org.equibench.data.Sha256;
import org.equibench.data.SyntheticSquad;
import org.equibench.measure.Statistics;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunSpec;

/**
 * Seed 002 §3.3: BERT extractive question answering, single-request latency. Every row reads model files made
 * once from one set of weights, tokenizes each question and context with its own ecosystem's WordPiece, windows
 * long contexts with a stride, and must produce the same ids, the same logits within f32 round-off and the same
 * answer spans.
 */
public final class BertQaTask implements Task {
    static final int SEED = 2009;
    static final int VOCAB = 30522;
    static final String REFERENCE = "python/transformers";
    /** SQuAD 2.0's dev set as published; its MD5 is the one torchtext checks (no SHA-256 is published). */
    static final String SQUAD_DEV = "data/raw/squad_dev.json";
    static final String SQUAD_DEV_MD5 = "246adae8b7002f8679c027697b0b7cf8";

    private static final double LOGITS = 1e-4;
    private static final String F32_KERNELS = "f32 forward pass: other GEMM kernels, fused attention and summation "
            + "order move logits by round-off";

    private final Checkpoint checkpoint;

    public BertQaTask() {
        this(Checkpoint.fromSystemProperty("equibench.bert.checkpoint", "BERT"));
    }

    /** The task on given weights (tests pass a checkpoint folder directly). */
    public BertQaTask(Checkpoint checkpoint) {
        this.checkpoint = checkpoint;
    }

    @Override
    public String id() {
        return "bert-qa";
    }

    @Override
    public String family() {
        return "LLM inference";
    }

    @Override
    public String title() {
        return "BERT question answering, single-request latency (f32, batch 1, max length 384, stride 128)";
    }

    @Override
    public int order() {
        return 70;
    }

    @Override
    public String dataset() {
        return checkpoint.real() ? model(Scale.FULL) + "; " + questions()
                : "CI scale: " + model(Scale.CI) + "; full scale: " + model(Scale.FULL) + "; " + questions();
    }

    /** What the weights are, at a scale: the label every report carries. */
    String model(Scale scale) {
        if (checkpoint.real()) {
            return "real BERT QA checkpoint " + checkpoint.dir();
        }
        return scale == Scale.CI ? "tiny seeded BERT (2 layers, hidden 64, weights drawn with seed " + SEED
                + ") on the real uncased vocabulary — spans are meaningless, speed and equivalence only"
                : "all-MiniLM-L6-v2 (real encoder, seeded QA head, seed " + SEED + ") — spans are meaningless, "
                        + "speed and equivalence only";
    }

    private String questions() {
        return Files.isRegularFile(Path.of(SQUAD_DEV)) ? "questions: SQuAD 2.0 dev (real, " + SQUAD_DEV + ")"
                : "questions: synthetic SQuAD 2.0-format questions from templates (seed " + SEED + "), not SQuAD's";
    }

    @Override
    public List<Implementation> implementations() {
        return List.of(
                Implementation.of(REFERENCE, "transformers 5.25 BertForQuestionAnswering on PyTorch 2.7.1", "f32")
                        .withNote("eager attention; tokenizes with transformers' BertTokenizer (tokenizers)")
                        .withDevices("cpu", "cuda"),
                Implementation.of("python/onnxruntime", "ONNX Runtime 1.29 (Python) on the harness's ONNX export", "f32"),
                Implementation.of("java/onnxruntime", "ONNX Runtime Java 1.29 on the same ONNX file", "f32"),
                Implementation.of("java/djl", "DJL 0.35.1, PyTorch engine (libtorch 2.7.1), TorchScript export", "f32")
                        .withNote("the venv's libtorch file, as python/transformers and rust/tch; one intra-op and one "
                                + "inter-op thread"),
                Implementation.of("java/djl-onnxruntime", "DJL 0.35.1, OnnxRuntime engine, on the same ONNX file", "f32")
                        .withNote("DJL's NDArray API over ONNX Runtime Java 1.29, the library java/onnxruntime calls directly"),
                Implementation.of("java/jlama", "Jlama 0.8.4 BertModel, pure Java on the Vector API (Temurin 25 JVM)", "f32")
                        .withNote("its forked JVM runs on Java 25 with jdk.incubator.vector; the QA head applied in Java "
                                + "to Jlama's last hidden states")
                        .withRepetitionsMayDiffer(VectorApiReductions.WHY),
                Implementation.of("rust/ort", "ort 2.0.0-rc.15 loading ONNX Runtime Java's libonnxruntime 1.29", "f32")
                        .withNote("the same libonnxruntime.so as java/onnxruntime (load-dynamic), on the same ONNX file"),
                Implementation.of("rust/candle", "candle-transformers 0.11.1 BertModel + a linear QA head, safetensors", "f32"),
                Implementation.of("rust/tch", "tch 0.20.0 on the venv's libtorch 2.7.1, TorchScript export", "f32")
                        .withNote("the same libtorch file as python/transformers and java/djl"));
    }

    @Override
    public String referenceImpl() {
        return REFERENCE;
    }

    @Override
    public String baselineImpl() {
        return REFERENCE;
    }

    @Override
    public String dtype() {
        return "f32";
    }

    @Override
    public List<String> phases() {
        return List.of("load", "answer");
    }

    @Override
    public List<String> outputs() {
        return List.of("feature_question", "feature_lengths", "input_ids", "token_type_ids", "attention_mask", "offsets",
                "start_logits", "end_logits", "answer_tokens", "answer_chars", "latency_ns", "model_ns");
    }

    @Override
    public Map<String, List<String>> verifiedOutputs() {
        return Map.of("answer", List.of("start_logits", "end_logits", "answer_tokens", "answer_chars"));
    }

    @Override
    public List<OutputCheck> checks(Implementation impl) {
        String same = "the same uncased WordPiece and the same windowing give the same features in every ecosystem";
        String spans = "the exhaustive best span is decided by logit sums whose margins exceed the logits tolerance";
        return List.of(
                OutputCheck.sameLabels("feature_question", same),
                OutputCheck.sameLabels("feature_lengths", same),
                OutputCheck.sameLabels("input_ids", same),
                OutputCheck.sameLabels("token_type_ids", same),
                OutputCheck.sameLabels("attention_mask", same),
                OutputCheck.sameLabels("offsets", "offsets count Unicode code points of the context in every ecosystem"),
                OutputCheck.maxAbs("start_logits", LOGITS, F32_KERNELS),
                OutputCheck.maxAbs("end_logits", LOGITS, F32_KERNELS),
                OutputCheck.sameLabels("answer_tokens", spans),
                OutputCheck.sameLabels("answer_chars", spans));
    }

    /** Rows on another engine read the same weights in the file format that engine loads. */
    @Override
    public Map<String, String> declaredDifferences(Implementation impl) {
        String role = modelFileRole(impl.id());
        if (role.equals("weights")) {
            return Map.of();
        }
        String why = "reads the " + role + " file the harness made from the reference's safetensors weights";
        return Map.of("hp.model_format", why, "input.weights.sha256", why, "input." + role + ".sha256", why);
    }

    static String modelFileRole(String impl) {
        return switch (impl) {
            case "python/onnxruntime", "java/onnxruntime", "java/djl-onnxruntime", "rust/ort" -> "onnx";
            case "java/djl", "rust/tch" -> "torchscript";
            default -> "weights";
        };
    }

    /** The spec's params of bert-qa; the model's shape is also in config.json, which every row cross-checks. */
    public record Params(int questionCount, int maxLength, int docStride, int maxQueryLength, int maxAnswerTokens,
                         int layers, int heads, int hidden, int intermediate, int vocab, int maxPositions,
                         String checkpoint) implements TaskParams {
    }

    @Override
    public Params params(Scale scale) {
        int questions = scale == Scale.CI ? 8 : 60;
        if (checkpoint.real()) {
            return new Params(questions, 384, 128, 64, 30, checkpoint.configInt("num_hidden_layers"),
                    checkpoint.configInt("num_attention_heads"), checkpoint.configInt("hidden_size"),
                    checkpoint.configInt("intermediate_size"), checkpoint.configInt("vocab_size"),
                    checkpoint.configInt("max_position_embeddings"), "real");
        }
        // CI: a tiny BERT with the real vocabulary; full: all-MiniLM-L6-v2's shape (its real encoder).
        return scale == Scale.CI ? new Params(questions, 384, 128, 64, 30, 2, 2, 64, 256, VOCAB, 512, "seeded")
                : new Params(questions, 384, 128, 64, 30, 6, 12, 384, 1536, VOCAB, 512, "real-encoder");
    }

    @Override
    public List<InputDeclaration> inputs() {
        return List.of(
                InputDeclaration.file("config", "json", "Hugging Face BERT config.json (BertForQuestionAnswering)"),
                InputDeclaration.file("weights", "safetensors", "model.safetensors, BertForQuestionAnswering names, f32"),
                InputDeclaration.file("onnx", "onnx", "input_ids, attention_mask, token_type_ids → start_logits, end_logits"),
                InputDeclaration.file("torchscript", "torchscript", "scripted forward(input_ids, attention_mask, token_type_ids)"),
                InputDeclaration.file("tokenizer", "json", "tokenizer.json of the uncased WordPiece, no padding or truncation"),
                InputDeclaration.file("vocab", "text", "vocab.txt, one token a line (data/tokenizers/bert-base-uncased)"),
                InputDeclaration.file("squad", "json", "SQuAD 2.0 JSON; the first question_count questions are used"));
    }

    @Override
    public boolean inputsDependOnScale() {
        return true;
    }

    /** The model files are exports whose bytes depend on the exporter's version: no golden outlives them. */
    @Override
    public boolean goldenKept(Scale scale) {
        return false;
    }

    @Override
    public Scale.Plan plan(Scale scale) {
        // One answer sample is question_count requests: 60 on MiniLM-L6 take 2.5–7.5 s on one core in most rows, but
        // about 3 minutes in java/jlama (its f32 GEMM); one warm-up and one timed run per process, two processes per
        // row, keep the task near 15 minutes. The latency percentiles come from every question of every timed run.
        return scale == Scale.CI ? new Scale.Plan(1, 0, 2, 1) : new Scale.Plan(1, 0, 1, 2);
    }

    @Override
    public Duration timeout(Scale scale) {
        return Duration.ofMinutes(scale == Scale.FULL ? 10 : 5);
    }

    @Override
    public Map<String, InputFile> prepare(Path root, Path dir, Scale scale) throws IOException {
        Params p = params(scale);
        Path vocab = root.resolve("data/tokenizers/bert-base-uncased/vocab.txt");
        Path downloads = org.equibench.runner.provision.CacheDir.root().resolve("downloads");
        List<String> request = new ArrayList<>(List.of("--vocab", vocab.toString(), "--downloads", downloads.toString()));
        String weightsIdentity;
        if (checkpoint.real()) {
            checkpoint.requireFiles(List.of("config.json", "model.safetensors", "vocab.txt"));
            request.addAll(List.of("--checkpoint", checkpoint.dir().toString()));
            weightsIdentity = Sha256.of(checkpoint.dir().resolve("model.safetensors"));
        } else if (p.checkpoint().equals("real-encoder")) {
            request.addAll(List.of("--minilm-head-seed", String.valueOf(SEED)));
            weightsIdentity = "minilm";
        } else {
            request.addAll(List.of("--seed", String.valueOf(SEED), "--layers", String.valueOf(p.layers()), "--heads",
                    String.valueOf(p.heads()), "--hidden", String.valueOf(p.hidden()), "--intermediate",
                    String.valueOf(p.intermediate())));
            weightsIdentity = "seeded";
        }
        Path models = ModelFiles.ensure(root, "bert", request, weightsIdentity);
        Map<String, InputFile> files = new LinkedHashMap<>();
        files.put("config", InputFiles.describe(models.resolve("config.json"), "json"));
        files.put("weights", InputFiles.describe(models.resolve("model.safetensors"), "safetensors"));
        files.put("onnx", InputFiles.describe(models.resolve("model.onnx"), "onnx"));
        files.put("torchscript", InputFiles.describe(models.resolve("model.pt"), "torchscript"));
        files.put("tokenizer", InputFiles.describe(models.resolve("tokenizer.json"), "json"));
        files.put("vocab", InputFiles.describe(models.resolve("vocab.txt"), "text"));
        files.put("squad", InputFiles.describe(squad(root, dir), "json"));
        return files;
    }

    /** A real SQuAD 2.0 dev file under data/raw (checked against its published MD5), or the synthetic one. */
    static Path squad(Path root, Path dir) throws IOException {
        Path real = root.resolve(SQUAD_DEV);
        if (Files.isRegularFile(real)) {
            String md5 = md5(real);
            if (!md5.equals(SQUAD_DEV_MD5)) {
                throw new IOException(real + ": MD5 " + md5 + ", but SQuAD 2.0's dev-v2.0.json has " + SQUAD_DEV_MD5
                        + " (remove the file to run on the synthetic questions)");
            }
            return real;
        }
        Path synthetic = dir.resolve("squad_synthetic.json");
        SyntheticSquad.write(synthetic, SEED, 30);
        return synthetic;
    }

    private static String md5(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("MD5"))) {
            in.transferTo(OutputStreamSink.INSTANCE);
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has MD5", e);
        }
    }

    /** Where the MD5 stream's bytes go once digested. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }

    /** Latency percentiles over every question of every process's timed run, computed alike for all rows. */
    @Override
    public Map<String, Double> derivedMetrics(RunSpec spec, List<Function<String, Path>> processes) throws IOException {
        List<double[]> latency = new ArrayList<>();
        List<double[]> model = new ArrayList<>();
        for (Function<String, Path> outputs : processes) {
            latency.add(Npy.read(outputs.apply("latency_ns")).values());
            model.add(Npy.read(outputs.apply("model_ns")).values());
        }
        double[] endToEnd = latency.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        double[] modelOnly = model.stream().flatMapToDouble(Arrays::stream).sorted().toArray();
        double[] lengths = Npy.read(processes.get(processes.size() - 1).apply("feature_lengths")).values();
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (int percentile : new int[] {50, 90, 99}) {
            metrics.put("latency_p" + percentile + "_ms", Statistics.percentile(endToEnd, percentile) / 1e6);
        }
        for (int percentile : new int[] {50, 90, 99}) {
            metrics.put("model_p" + percentile + "_ms", Statistics.percentile(modelOnly, percentile) / 1e6);
        }
        metrics.put("features_per_question", (double) lengths.length
                / TaskParams.fromSpec(spec.params(), Params.class).questionCount());
        metrics.put("tokens_per_feature", Arrays.stream(lengths).average().orElse(Double.NaN));
        return metrics;
    }

    @Override
    public List<ReportColumn> reportColumns() {
        return List.of(
                ReportColumn.number("Latency", "end to end p50 ms", "latency_p50_ms"),
                ReportColumn.number("Latency", "end to end p90 ms", "latency_p90_ms"),
                ReportColumn.number("Latency", "end to end p99 ms", "latency_p99_ms"),
                ReportColumn.number("Latency", "model p50 ms", "model_p50_ms"),
                ReportColumn.number("Latency", "model p99 ms", "model_p99_ms"),
                ReportColumn.time("Latency", "per question (median sample)", "answer"),
                ReportColumn.number("Latency", "windows per question", "features_per_question"),
                ReportColumn.number("Latency", "tokens per window", "tokens_per_feature"),
                ReportColumn.time("Load", "model load, warm", "load"),
                ReportColumn.memory("Memory", "answer peak RSS", PHASE_PEAK_RSS, "answer"),
                ReportColumn.memory("Memory", "process peak RSS", PROCESS_PEAK_RSS, ""));
    }
}
