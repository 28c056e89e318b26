package org.equibench.jlama;

import com.github.tjake.jlama.model.gpt2.GPT2Config;
import com.github.tjake.jlama.model.gpt2.GPT2Model;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorIndex;
import com.github.tjake.jlama.safetensors.TensorInfo;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.FloatBufferTensor;
import com.github.tjake.jlama.tensor.KvBufferCache;
import com.github.tjake.jlama.tensor.TensorShape;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.impl.gpt2.Gpt2Config;
import org.equibench.impl.gpt2.Gpt2Engine;
import org.equibench.impl.gpt2.ModelDimensions;

/**
 * Jlama's {@code GPT2Model} on the task's model.safetensors (original GPT-2 names; Jlama transposes the Conv1D
 * weights itself and ties the output to {@code wte}), f32 weights, f32 working memory and f32 activations (no Q8
 * quantization), on Jlama's pure-Java Vector API kernels. Compiled for Java 21 apart from the rest (see
 * {@code JlamaGpt2}); outside {@code org.equibench.impl} so that no Java 17 JVM scanning for rows ever loads it.
 */
public final class JlamaGpt2Engine implements Gpt2Engine<JlamaGpt2Engine.Cache> {
    /** Jlama's own generate() stops at these; this row feeds ids and never asks it to stop. */
    private static final int UNUSED_TOKEN = -1;

    private final SafeTensorIndex weights;
    private final ExposedGpt2Model model;
    private final FloatBuffer logits;
    private final FloatBufferTensor logitsTensor;
    private final ModelDimensions dims;

    /**
     * Jlama's KV cache of one sequence: pages written in place, position by position. A decode step writes only
     * positions after its prefill's, and attention at a position reads no later one, so the prefill's positions
     * stay as they were for every decode from them. Each step's cache shares its prefill's buffer, which only the
     * prefill's cache frees.
     */
    public record Cache(KvBufferCache.KvBuffer buffer, boolean ownsBuffer) {
    }

    public JlamaGpt2Engine(Path weightsFile, int threads, Gpt2Config config) {
        JlamaSetup.useThreads(threads);
        JlamaSetup.pureJavaKernels();
        GPT2Config c = new GPT2Config(config.context(), config.dModel(), config.heads(), config.layers(),
                (float) config.layerNormEpsilon(), config.vocab(), UNUSED_TOKEN, UNUSED_TOKEN);
        this.weights = SafeTensorIndex.loadSingleFile(weightsFile.getParent(), weightsFile.getFileName().toString());
        try {
            String file = weightsFile.getFileName().toString();
            this.dims = dimensions(weights.tensorInfoMap(), c, file);
            requireShapes(weights.tensorInfoMap(), config, file);
            this.model = new ExposedGpt2Model(c, weights);
            if (model.getWorkingDType() != DType.F32 || model.workingQuantizedType() != DType.F32
                    || weights.getModelDType() != DType.F32) {
                throw new RunnerError(file + ": Jlama would compute in " + model.getWorkingDType() + "/"
                        + model.workingQuantizedType() + " on " + weights.getModelDType() + " weights; the task is f32");
            }
        } catch (RuntimeException e) {
            closeWeights();
            throw e;
        }
        // our direct buffer as Jlama's logits tensor: Jlama's output projection writes into it, nothing is copied out
        this.logits = ByteBuffer.allocateDirect(dims.vocab() * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        this.logitsTensor = new FloatBufferTensor(logits, TensorShape.of(1, dims.vocab()), false);
    }

    /**
     * Layers, d_model and vocabulary as the file holds them (h.N.* blocks, wte's shape), heads as Jlama's config
     * has them (the weights do not say): what Jlama computes with. A file whose names Jlama does not load fails here.
     */
    private static ModelDimensions dimensions(Map<String, TensorInfo> tensors, GPT2Config c, String file) {
        TensorInfo wte = tensors.get("wte.weight");
        if (wte == null || !tensors.containsKey("h.0.attn.c_attn.weight")) {
            throw new RunnerError(file + ": Jlama's GPT2Model loads the original GPT-2 names (wte.weight, h.N.attn.c_attn.weight, …), "
                    + "not found here (first names: " + tensors.keySet().stream().sorted().limit(4).toList() + ")");
        }
        int layers = 0;
        while (tensors.containsKey("h." + layers + ".ln_1.weight")) {
            layers++;
        }
        if (layers != c.numberOfLayers) {
            throw new RunnerError(file + ": " + layers + " blocks h.N, config.json has n_layer " + c.numberOfLayers);
        }
        return new ModelDimensions(layers, c.numberOfHeads, wte.shape[1], wte.shape[0]);
    }

    /** Jlama would fail on a tensor of another shape with a message naming neither the file nor the tensor. */
    private static void requireShapes(Map<String, TensorInfo> tensors, Gpt2Config config, String file) {
        for (Map.Entry<String, int[]> e : config.tensorShapes().entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            if (t == null) {
                throw new RunnerError(file + ": no tensor " + e.getKey());
            }
            if (!java.util.Arrays.equals(t.shape, e.getValue())) {
                throw new RunnerError(file + ": tensor " + e.getKey() + " has shape " + java.util.Arrays.toString(t.shape)
                        + ", but config.json implies " + java.util.Arrays.toString(e.getValue()));
            }
        }
    }

    @Override
    public Forward<Cache> prefill(long[] ids) {
        int[] tokens = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            tokens[i] = Math.toIntExact(ids[i]);
        }
        KvBufferCache.KvBuffer buffer = model.newKvBuffer();
        try (AbstractTensor out = model.batchForward(tokens, 0, buffer)) {
            // the hidden state of the last position (Jlama returns the last batch of positions)
            writeLogits(out.slice(out.shape().first() - 1));
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
        return new Forward<>(logits, new Cache(buffer, true));
    }

    @Override
    public Forward<Cache> next(Cache cache, long token, int position) {
        try (AbstractTensor out = model.forwardOne(Math.toIntExact(token), position, cache.buffer())) {
            writeLogits(out);
        }
        return new Forward<>(logits, new Cache(cache.buffer(), false));
    }

    /** Jlama's final LayerNorm and tied output projection into our logits buffer (its own argmax is not used). */
    private void writeLogits(AbstractTensor hidden) {
        model.sample(hidden, 0f, 0f, logitsTensor);
    }

    @Override
    public void release(Cache cache) {
        if (cache.ownsBuffer()) {
            cache.buffer().close();
        }
    }

    @Override
    public ModelDimensions dimensions() {
        return dims;
    }

    @Override
    public void describe(JavaRun run) {
        String version = jlamaVersion();
        String kernels = TensorOperationsProvider.get().name();
        run.framework("Jlama", version);
        run.library("jlama-core", version);
        run.threadKnob("jlama.PhysicalCoreExecutor.coreCount", JlamaSetup.threads());
        run.manifest("threads.compute", JlamaSetup.threads());
        run.manifest("dtype", model.getWorkingDType() == DType.F32 ? "f32" : model.getWorkingDType().name().toLowerCase());
        run.manifest("blas", "none (Jlama's " + kernels + ")");
        run.manifest("native.engine", "none: pure Java, Jlama " + version + " " + kernels);
        run.manifest("native.library", "none");
        run.manifest("native.sha256", "none");
        run.hyperparameters(Map.of("model_dtype", weights.getModelDType().name(), "working_dtype",
                model.getWorkingDType().name(), "working_quantized_dtype", model.workingQuantizedType().name(),
                "tensor_operations", kernels, "context_length", model.getConfig().contextLength,
                "layer_norm_eps", model.getConfig().layerNormEps));
        run.note("Jlama's GPT2Model built from model.safetensors; the prompt ids come from the row's tokenizer, "
                + "not from Jlama's GPT2Tokenizer (which reads only tokenizer.json, not encoder.json/vocab.bpe)");
    }

    private static String jlamaVersion() {
        try (InputStream in = GPT2Model.class.getResourceAsStream("/META-INF/maven/com.github.tjake/jlama-core/pom.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            closeWeights();
        }
        // Jlama's tensors (the transposed weights, ~the model's size) are direct buffers, freed only when the GC
        // clears them: without a collection here a second load would hold two models, and RSS would show it
        System.gc();
    }

    private void closeWeights() {
        try {
            weights.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + e.getMessage(), e);
        }
    }

    /** GPT2Model with the one-token forward pass, a fresh KV buffer and the activation type made reachable. */
    private static final class ExposedGpt2Model extends GPT2Model {
        ExposedGpt2Model(GPT2Config c, SafeTensorIndex weights) {
            // the tokenizer is Jlama's only for its own generate(); this row feeds ids
            super(c, weights, null, DType.F32, DType.F32, Optional.empty());
        }

        AbstractTensor forwardOne(int token, int position, KvBufferCache.KvBuffer buffer) {
            return forward(token, position, buffer);
        }

        /** Not kept in Jlama's session map: freed by its owner's release, not at model close. */
        KvBufferCache.KvBuffer newKvBuffer() {
            return kvBufferCache.getEphemeralKvBuffer();
        }

        DType workingQuantizedType() {
            return workingQType;
        }
    }
}
