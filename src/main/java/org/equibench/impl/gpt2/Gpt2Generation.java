package org.equibench.impl.gpt2;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.protocol.RunSpec;
import org.equibench.task.Gpt2GenerateTask;

/**
 * The phases of {@code gpt2-generate} for one Java row (PROTOCOL.md, "Task gpt2-generate"): {@code load} (config
 * check, prompts, tokenizer, engine), {@code prefill}, {@code decode}, then the manifest and the outputs.
 */
final class Gpt2Generation {
    static final String CONFIG = "config";
    static final String PROMPTS = "prompts";

    private Gpt2Generation() {
    }

    static void run(JavaRun run, Gpt2Row row) throws Exception {
        RunSpec spec = run.spec();
        if (!"f32".equals(spec.dtype()) || !"cpu".equals(spec.device())) {
            throw new RunnerError("spec: " + spec.impl() + " runs gpt2-generate in f32 on the cpu; the spec asks for "
                    + spec.dtype() + " on " + spec.device());
        }
        Gpt2GenerateTask.Params params = run.params(Gpt2GenerateTask.Params.class);
        if (params.promptCount() < 1 || params.newTokens() < 1) {
            throw new RunnerError("spec: params.prompt_count and params.new_tokens must be at least 1, got "
                    + params.promptCount() + " and " + params.newTokens());
        }
        List<String> read = new ArrayList<>(List.of(CONFIG, PROMPTS, row.modelRole()));
        read.addAll(row.tokenizerRoles());
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
            generate(run, row, loaded[0], loaded[0].engine(), params);
        } finally {
            if (loaded[0] != null) {
                loaded[0].close();
            }
        }
    }

    private static <C> void generate(JavaRun run, Gpt2Row row, Loaded loaded, Gpt2Engine<C> engine,
                                     Gpt2GenerateTask.Params params) throws Exception {
        GenerationRecord record = new GenerationRecord(loaded.promptIds(), params.newTokens(), params.vocab());
        try (GreedyDecoder<C> decoder = new GreedyDecoder<>(engine, record)) {
            run.phase("prefill", record.prompts(), decoder::prefillAll, record::prefillOutputs);
            run.phase("decode", record.prompts() * (record.newTokens - 1), decoder::decodeAll, record::decodeOutputs);
        }
        engine.describe(run);
        loaded.tokenizer().describe(run);
        ModelDimensions dims = engine.dimensions();
        run.hyperparameter("new_tokens", record.newTokens);
        run.hyperparameter("prompt_count", record.prompts());
        run.hyperparameter("decoding", "greedy");
        run.hyperparameter("kv_cache", true);
        run.hyperparameter("model_format", row.modelFormat());
        run.hyperparameter("layers", dims.layers());
        run.hyperparameter("heads", dims.heads());
        run.hyperparameter("d_model", dims.dModel());
        run.hyperparameter("vocab", dims.vocab());
        record.writeOutputs(run);
    }

    /** What the load phase builds: the tokenized prompts and the engine (closed together). */
    private record Loaded(PromptTokenizer tokenizer, Gpt2Engine<?> engine, long[][] promptIds) implements AutoCloseable {

        static Loaded open(Gpt2Row row, RunSpec spec, Gpt2GenerateTask.Params params) throws Exception {
            Path configFile = Path.of(spec.input(CONFIG));
            Gpt2Config config = Gpt2Config.read(configFile);
            config.requireMatches(params, configFile.getFileName().toString());
            Path promptFile = Path.of(spec.input(PROMPTS));
            List<String> prompts = PromptFile.read(promptFile, params.promptCount());
            PromptTokenizer tokenizer = row.openTokenizer(spec);
            try {
                long[][] ids = PromptIds.of(tokenizer, prompts, promptFile.getFileName().toString(), params.newTokens(),
                        params.context());
                Path modelFile = Path.of(spec.input(row.modelRole()));
                Gpt2Engine<?> engine;
                try {
                    engine = row.openEngine(modelFile, spec, config);
                } catch (RunnerError e) {
                    throw e;
                } catch (Exception e) {
                    // A library's own message (a file cut short, say) often names no file.
                    throw new RunnerError(modelFile.getFileName() + ": cannot be loaded: " + e.getMessage(), e);
                }
                try {
                    engine.dimensions().requireMatches(params, modelFile.getFileName().toString());
                } catch (RuntimeException e) {
                    engine.close();
                    throw e;
                }
                return new Loaded(tokenizer, engine, ids);
            } catch (Exception | Error e) {
                tokenizer.close();
                throw e;
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
