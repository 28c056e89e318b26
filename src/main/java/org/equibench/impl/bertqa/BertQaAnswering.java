package org.equibench.impl.bertqa;

import org.equibench.task.BertQaTask;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.protocol.RunSpec;

/**
 * The phases of {@code bert-qa} for one Java row (PROTOCOL.md, "Task `bert-qa`"): {@code load} (config check, tokenizer, engine, SQuAD
 * questions), {@code answer} (per question, end to end: tokenize, window, run every feature, choose the span), then the
 * manifest and the outputs.
 */
final class BertQaAnswering {
    static final String CONFIG = "config";
    static final String TOKENIZER = "tokenizer";
    static final String SQUAD = "squad";

    private BertQaAnswering() {
    }

    static void run(JavaRun run, BertQaRow row) throws Exception {
        RunSpec spec = run.spec();
        if (!"f32".equals(spec.dtype()) || !"cpu".equals(spec.device())) {
            throw new RunnerError("spec: " + spec.impl() + " runs bert-qa in f32 on the cpu; the spec asks for "
                    + spec.dtype() + " on " + spec.device());
        }
        BertQaTask.Params params = run.params(BertQaTask.Params.class);
        if (params.questionCount() < 1 || params.maxAnswerTokens() < 1 || params.maxQueryLength() < 1
                || params.docStride() < 0 || params.maxLength() - params.maxQueryLength() - 3 <= params.docStride()) {
            throw new RunnerError("spec: params need question_count, max_answer_tokens, max_query_length >= 1 and "
                    + "max_length - max_query_length - 3 > doc_stride >= 0; got " + params);
        }
        List<String> read = List.of(CONFIG, TOKENIZER, SQUAD, row.modelRole());
        spec.inputs().keySet().stream().filter(role -> !read.contains(role)).forEach(run::notRead);

        Loaded[] loaded = new Loaded[1];
        try {
            run.phase("load", 1, () -> {
                // each load repetition builds everything again; the previous one is freed first, so RSS shows one model
                if (loaded[0] != null) {
                    loaded[0].close();
                    loaded[0] = null;
                }
                loaded[0] = Loaded.open(row, spec, params);
            });
            Loaded l = loaded[0];
            QaRecord record = new QaRecord(params.questionCount());
            run.phase("answer", params.questionCount(), () -> answerAll(l, params, record), record::outputs);
            l.engine().describe(run);
            l.tokenizer().describe(run);
            BertDimensions dims = l.engine().dimensions();
            run.hyperparameter("model_format", row.modelFormat());
            run.hyperparameter("layers", dims.layers());
            run.hyperparameter("heads", dims.heads());
            run.hyperparameter("hidden", dims.hidden());
            run.hyperparameter("vocab", dims.vocab());
            run.hyperparameter("max_length", params.maxLength());
            run.hyperparameter("doc_stride", params.docStride());
            run.hyperparameter("max_query_length", params.maxQueryLength());
            run.hyperparameter("max_answer_tokens", params.maxAnswerTokens());
            run.hyperparameter("question_count", params.questionCount());
            run.note("model dimensions (hp.layers, hp.heads, hp.hidden, hp.vocab) read from " + dims.source());
            run.note("span choice exhaustive over every (start, end) pair of every feature (not run_qa's 20-best); "
                    + record.features() + " features for " + params.questionCount() + " questions");
            record.writeOutputs(run);
        } finally {
            if (loaded[0] != null) {
                loaded[0].close();
            }
        }
    }

    /** One repetition of the answer phase: every question end to end, timed alone. */
    private static void answerAll(Loaded l, BertQaTask.Params params, QaRecord record) throws Exception {
        record.clear();
        for (int q = 0; q < l.questions().size(); q++) {
            SquadQuestions.Question question = l.questions().get(q);
            long t0 = System.nanoTime();
            long[] questionIds = l.tokenizer().encode(question.question()).ids();
            if (questionIds.length == 0) {
                throw new RunnerError(l.squadFile() + ": " + question.path() + ": the question has no tokens");
            }
            QaTokenizer.Tokens context = l.tokenizer().encode(question.context());
            List<Feature> features = Feature.of(q, questionIds, context, params.maxLength(), params.docStride(),
                    params.maxQueryLength());
            List<float[]> start = new ArrayList<>(features.size());
            List<float[]> end = new ArrayList<>(features.size());
            long model = 0;
            for (Feature f : features) {
                long m0 = System.nanoTime();
                BertQaEngine.QaLogits logits = l.engine().run(f.inputIds(), f.attentionMask(), f.tokenTypeIds());
                model += System.nanoTime() - m0;
                start.add(logits.start());
                end.add(logits.end());
            }
            SpanChoice.Span span = SpanChoice.best(features, start, end, params.maxAnswerTokens());
            long latency = System.nanoTime() - t0;
            record.question(q, features, start, end, span, latency, model);
        }
    }

    /** What the load phase builds: the tokenizer, the engine and the questions (closed together). */
    private record Loaded(QaTokenizer tokenizer, BertQaEngine engine, List<SquadQuestions.Question> questions,
                          String squadFile) implements AutoCloseable {

        static Loaded open(BertQaRow row, RunSpec spec, BertQaTask.Params params) throws Exception {
            Path configFile = Path.of(spec.input(CONFIG));
            BertConfig config = BertConfig.read(configFile);
            config.requireMatches(params, configFile.getFileName().toString());
            QaTokenizer tokenizer = QaTokenizer.open(Path.of(spec.input(TOKENIZER)), config.vocab());
            try {
                Path modelFile = Path.of(spec.input(row.modelRole()));
                BertQaEngine engine = row.openEngine(modelFile, spec, config);
                try {
                    engine.dimensions().requireMatches(config, modelFile.getFileName().toString());
                    probe(engine, config, modelFile.getFileName().toString());
                    Path squad = Path.of(spec.input(SQUAD));
                    return new Loaded(tokenizer, engine, SquadQuestions.read(squad, params.questionCount()),
                            squad.getFileName().toString());
                } catch (Exception | Error e) {
                    engine.close();
                    throw e;
                }
            } catch (Exception | Error e) {
                tokenizer.close();
                throw e;
            }
        }

        /**
         * One 3-token pass, [CLS] (vocab_size - 1) [SEP] with both token types: a model whose vocabulary is smaller than
         * config.json's, or that does not give one logit per position, fails here naming its file.
         */
        private static void probe(BertQaEngine engine, BertConfig config, String file) {
            long[] ids = {QaTokenizer.CLS, config.vocab() - 1, QaTokenizer.SEP};
            BertQaEngine.QaLogits logits;
            try {
                logits = engine.run(ids, new long[] {1, 1, 1}, new long[] {0, 0, 1});
            } catch (Exception e) {
                throw new RunnerError(file + ": a probe pass over the ids " + java.util.Arrays.toString(ids)
                        + " failed (does the model agree with config.json?): " + e.getMessage(), e);
            }
            if (logits.start().length != ids.length || logits.end().length != ids.length) {
                throw new RunnerError(file + ": a probe pass over 3 tokens gave " + logits.start().length + " start and "
                        + logits.end().length + " end logits");
            }
        }

        @Override
        public void close() throws Exception {
            try {
                engine.close();
            } finally {
                tokenizer.close();
            }
        }
    }
}
