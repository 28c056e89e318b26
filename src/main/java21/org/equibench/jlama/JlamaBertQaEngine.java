package org.equibench.jlama;

import com.github.tjake.jlama.model.bert.BertModel;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.SafeTensorIndex;
import com.github.tjake.jlama.safetensors.TensorInfo;
import com.github.tjake.jlama.tensor.AbstractTensor;
import com.github.tjake.jlama.tensor.FloatBufferTensor;
import com.github.tjake.jlama.tensor.TensorShape;
import com.github.tjake.jlama.tensor.operations.TensorOperations;
import com.github.tjake.jlama.tensor.operations.TensorOperationsProvider;
import com.github.tjake.jlama.util.PhysicalCoreExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.stream.IntStream;
import jdk.incubator.vector.FloatVector;
import org.equibench.impl.bertqa.BertConfig;
import org.equibench.impl.bertqa.BertDimensions;
import org.equibench.impl.bertqa.BertQaEngine;
import org.equibench.impl.bertqa.Gelu;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;

/**
 * A BERT encoder and the {@code qa_outputs} head on Jlama 0.8.4's safetensors loader and its Vector API matrix kernels
 * ({@code TensorOperations.batchDotProduct}: every linear layer, the attention scores and the attention-weighted values),
 * with the rest written here: embeddings with token types, two-pass LayerNorm with config.json's {@code layer_norm_eps},
 * bidirectional softmax attention under the attention mask, erf GELU, and the 2-way head. Jlama's own
 * {@code BertModel} is not used because it computes another function than {@code BertForQuestionAnswering}: its
 * attention is causal (each position attends to positions 0..itself through the KV cache), its embedding adds token
 * type 0 to every token, its {@code "gelu"} is the tanh approximation, and it returns no per-token states but pooled
 * embeddings. The weight file is read as the task ships it ({@code bert.} names, as Jlama's BertModel also accepts).
 * Compiled for Java 21 apart from the rest (see {@code JlamaBertQa}).
 */
public final class JlamaBertQaEngine implements BertQaEngine {
    private static final String PREFIX = "bert.";
    /**
     * Jlama 0.8.4's f32 GEMM (PanamaTensorOperations.Gemmer.mnpack) tiles 3 rows × 4 columns and then recurses into the
     * leftover rows over the tiled columns and the leftover columns over the tiled rows only
     * ({@code mnpack(m0, mp, np, n)}, where llamafile's tinyBLAS, which it follows, has {@code mnpack(m0, m, np, n)}):
     * when neither the rows nor the columns are a multiple of the tile, the corner block is never written. Found
     * here on a 70-token feature (its last score row kept stale values: logits off by 1e-2). Every product here is
     * therefore a multiple of 4 columns wide: the keys are padded with zero rows, the thread chunks rounded.
     */
    private static final int GEMM_TILE = 4;

    private final SafeTensorIndex weights;
    private final BertConfig config;
    private final BertDimensions dims;
    private final TensorOperations ops;
    private final int lanes;
    private final AbstractTensor wordEmbeddings;
    private final AbstractTensor positionEmbeddings;
    private final AbstractTensor typeEmbeddings;
    private final float[] embeddingNormWeight;
    private final float[] embeddingNormBias;
    private final Layer[] layers;
    private final float[] qaWeight;
    private final float[] qaBias;
    /** Working memory for the longest feature (max_position_embeddings), viewed per pass at its length. */
    private final FloatBuffer hidden;
    private final FloatBuffer attended;
    private final FloatBuffer query;
    private final FloatBuffer key;
    private final FloatBuffer value;
    private final FloatBuffer valueT;
    private final FloatBuffer scores;
    private final FloatBuffer context;
    private final FloatBuffer projected;
    private final FloatBuffer intermediate;

    private record Layer(AbstractTensor query, float[] queryBias, AbstractTensor key, float[] keyBias, AbstractTensor value,
                         float[] valueBias, AbstractTensor attentionOut, float[] attentionOutBias, float[] attentionNormWeight,
                         float[] attentionNormBias, AbstractTensor intermediate, float[] intermediateBias, AbstractTensor output,
                         float[] outputBias, float[] outputNormWeight, float[] outputNormBias) {
    }

    public JlamaBertQaEngine(Path weightsFile, int threads, BertConfig config) {
        JlamaSetup.useThreads(threads);
        JlamaSetup.pureJavaKernels();
        if (!"gelu".equals(config.hiddenAct())) {
            throw new RunnerError("config.json: hidden_act is " + config.hiddenAct() + "; java/jlama computes BERT's erf GELU (\"gelu\")");
        }
        this.config = config;
        this.ops = TensorOperationsProvider.get();
        this.lanes = FloatVector.SPECIES_PREFERRED.length();
        String file = weightsFile.getFileName().toString();
        this.weights = SafeTensorIndex.loadSingleFile(weightsFile.getParent(), file);
        try {
            requireShapes(weights.tensorInfoMap(), config, file);
            if (weights.getModelDType() != DType.F32) {
                throw new RunnerError(file + ": Jlama reads its weights as " + weights.getModelDType() + "; the task is f32");
            }
            int h = config.hidden();
            if (h % lanes != 0 || config.headSize() % lanes != 0 || config.intermediate() % lanes != 0) {
                throw new RunnerError(file + ": Jlama's f32 kernels read whole " + lanes + "-float vectors; hidden_size " + h
                        + ", the head size " + config.headSize() + " and intermediate_size " + config.intermediate()
                        + " must be multiples of it");
            }
            String e = PREFIX + "embeddings.";
            this.wordEmbeddings = weights.load(e + "word_embeddings.weight");
            this.positionEmbeddings = weights.load(e + "position_embeddings.weight");
            this.typeEmbeddings = weights.load(e + "token_type_embeddings.weight");
            this.embeddingNormWeight = floats(e + "LayerNorm.weight");
            this.embeddingNormBias = floats(e + "LayerNorm.bias");
            this.layers = new Layer[config.layers()];
            for (int l = 0; l < layers.length; l++) {
                String b = PREFIX + "encoder.layer." + l + ".";
                layers[l] = new Layer(weights.load(b + "attention.self.query.weight"), floats(b + "attention.self.query.bias"),
                        weights.load(b + "attention.self.key.weight"), floats(b + "attention.self.key.bias"),
                        weights.load(b + "attention.self.value.weight"), floats(b + "attention.self.value.bias"),
                        weights.load(b + "attention.output.dense.weight"), floats(b + "attention.output.dense.bias"),
                        floats(b + "attention.output.LayerNorm.weight"), floats(b + "attention.output.LayerNorm.bias"),
                        weights.load(b + "intermediate.dense.weight"), floats(b + "intermediate.dense.bias"),
                        weights.load(b + "output.dense.weight"), floats(b + "output.dense.bias"),
                        floats(b + "output.LayerNorm.weight"), floats(b + "output.LayerNorm.bias"));
            }
            this.qaWeight = floats("qa_outputs.weight");
            this.qaBias = floats("qa_outputs.bias");
        } catch (RuntimeException e) {
            closeWeights();
            throw e;
        }
        int n = config.maxPositions();
        int padded = padded(n);
        int h = config.hidden();
        this.hidden = direct(n * h);
        this.attended = direct(n * h);
        this.query = direct(n * h);
        this.key = direct(padded * h);
        this.value = direct(n * h);
        this.valueT = direct(h * padded);
        this.scores = direct(n * padded);
        this.context = direct(n * h);
        this.projected = direct(n * h);
        this.intermediate = direct(n * config.intermediate());
        this.dims = new BertDimensions(layers.length, config.heads(), wordEmbeddings.shape().dim(1),
                wordEmbeddings.shape().dim(0), "model.safetensors (layers, hidden, vocab; heads from config.json)");
    }

    /** Every tensor of BertForQuestionAnswering at the shape config.json implies; Jlama itself would not say which differs. */
    private static void requireShapes(Map<String, TensorInfo> tensors, BertConfig config, String file) {
        for (Map.Entry<String, int[]> e : config.tensorShapes(PREFIX).entrySet()) {
            TensorInfo t = tensors.get(e.getKey());
            if (t == null) {
                throw new RunnerError(file + ": no tensor " + e.getKey() + " (BertForQuestionAnswering names, first found: "
                        + tensors.keySet().stream().sorted().limit(3).toList() + ")");
            }
            if (!Arrays.equals(t.shape, e.getValue())) {
                throw new RunnerError(file + ": tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape)
                        + ", but config.json implies " + Arrays.toString(e.getValue()));
            }
        }
    }

    private float[] floats(String name) {
        AbstractTensor t = weights.load(name);
        float[] out = new float[Math.toIntExact(t.size())];
        int[] cursor = new int[t.dims()];
        int i = 0;
        do {
            out[i++] = t.get(cursor);
        } while (t.iterate(cursor));
        return out;
    }

    @Override
    public QaLogits run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {
        int s = inputIds.length;
        int h = config.hidden();
        embed(inputIds, tokenTypeIds, s);
        for (Layer layer : layers) {
            attention(layer, attentionMask, s);
            // attended = LayerNorm(attention output + input)
            linear(context, s, h, layer.attentionOut(), layer.attentionOutBias(), projected, h);
            addNorm(projected, hidden, attended, s, layer.attentionNormWeight(), layer.attentionNormBias());
            linear(attended, s, h, layer.intermediate(), layer.intermediateBias(), intermediate, config.intermediate());
            int n = s * config.intermediate();
            for (int i = 0; i < n; i++) {
                intermediate.put(i, Gelu.gelu(intermediate.get(i)));
            }
            linear(intermediate, s, config.intermediate(), layer.output(), layer.outputBias(), projected, h);
            addNorm(projected, attended, hidden, s, layer.outputNormWeight(), layer.outputNormBias());
        }
        float[] start = new float[s];
        float[] end = new float[s];
        for (int p = 0; p < s; p++) {
            double a = qaBias[0];
            double b = qaBias[1];
            for (int i = 0; i < h; i++) {
                float x = hidden.get(p * h + i);
                a += x * qaWeight[i];
                b += x * qaWeight[h + i];
            }
            start[p] = (float) a;
            end[p] = (float) b;
        }
        return new QaLogits(start, end);
    }

    /** hidden = LayerNorm(word[id] + position[p] + type[t]). */
    private void embed(long[] ids, long[] types, int s) {
        int h = config.hidden();
        for (int p = 0; p < s; p++) {
            int id = Math.toIntExact(ids[p]);
            int type = Math.toIntExact(types[p]);
            for (int i = 0; i < h; i++) {
                hidden.put(p * h + i, wordEmbeddings.get(id, i) + positionEmbeddings.get(p, i) + typeEmbeddings.get(type, i));
            }
        }
        layerNorm(hidden, hidden, s, embeddingNormWeight, embeddingNormBias);
    }

    /** context = softmax(q kᵀ / √d + mask) v, head by head, every position attending to every position. */
    private void attention(Layer layer, long[] mask, int s) {
        int h = config.hidden();
        int d = config.headSize();
        int padded = padded(s);
        linear(hidden, s, h, layer.query(), layer.queryBias(), query, h);
        linear(hidden, s, h, layer.key(), layer.keyBias(), key, h);
        linear(hidden, s, h, layer.value(), layer.valueBias(), value, h);
        // keys past s are 0 rows, so that the scores are a multiple of the kernels' column tile wide (see GEMM_TILE)
        for (int i = s * h; i < padded * h; i++) {
            key.put(i, 0f);
        }
        // vᵀ [hidden, padded]: the kernels multiply rows by rows, and read whole vectors, so the positions past s are 0
        for (int i = 0; i < h; i++) {
            for (int p = 0; p < padded; p++) {
                valueT.put(i * padded + p, p < s ? value.get(p * h + i) : 0f);
            }
        }
        FloatBufferTensor q = view(query, s, h);
        FloatBufferTensor k = view(key, padded, h);
        FloatBufferTensor vt = view(valueT, h, padded);
        FloatBufferTensor sc = view(scores, s, padded);
        FloatBufferTensor ctx = view(context, s, h);
        float scale = (float) (1 / Math.sqrt(d));
        for (int head = 0; head < config.heads(); head++) {
            int off = head * d;
            // scores[i, j] = q_i · k_j over this head's columns (0 past s, overwritten by the softmax's padding)
            ops.batchDotProduct(sc, q, k, off, off, d, 0, 0, padded);
            for (int i = 0; i < s; i++) {
                softmaxRow(i * padded, s, padded, scale, mask);
            }
            // context[i, off + c] = Σ_j p_ij v_j,c: rows off..off+d of vᵀ against each row of probabilities
            ops.batchDotProduct(ctx, sc, vt, 0, 0, padded, 0, off, d);
        }
    }

    /** One row of scores: scaled, masked (HF adds float32's minimum where the mask is 0), softmax; the padding stays 0. */
    private void softmaxRow(int row, int s, int padded, float scale, long[] mask) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < s; j++) {
            float v = scores.get(row + j) * scale + (mask[j] == 0 ? -Float.MAX_VALUE : 0f);
            scores.put(row + j, v);
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int j = 0; j < s; j++) {
            double e = Math.exp(scores.get(row + j) - max);
            scores.put(row + j, (float) e);
            sum += e;
        }
        float inv = (float) (1 / sum);
        for (int j = 0; j < s; j++) {
            scores.put(row + j, scores.get(row + j) * inv);
        }
        for (int j = s; j < padded; j++) {
            scores.put(row + j, 0f);
        }
    }

    /**
     * out[s, outDim] = in[s, inDim] Wᵀ + bias, W as stored ([out, in]) by Jlama's kernels; with more than one thread,
     * chunks of output columns on Jlama's thread pool, each a multiple of {@link #GEMM_TILE} wide (not VectorMath.pchunk,
     * whose chunks may not be).
     */
    private void linear(FloatBuffer in, int s, int inDim, AbstractTensor w, float[] bias, FloatBuffer out, int outDim) {
        FloatBufferTensor a = view(in, s, inDim);
        FloatBufferTensor r = view(out, s, outDim);
        int threads = JlamaSetup.threads();
        if (threads == 1) {
            ops.batchDotProduct(r, a, w, 0, 0, inDim, 0, 0, outDim);
        } else {
            int chunk = (outDim / threads + GEMM_TILE - 1) / GEMM_TILE * GEMM_TILE;
            PhysicalCoreExecutor.instance.get().execute(() -> IntStream.range(0, (outDim + chunk - 1) / chunk).parallel()
                    .forEach(c -> ops.dotProductChunk(r, a, w, 0, inDim, c * chunk, Math.min(chunk, outDim - c * chunk))));
        }
        for (int p = 0; p < s; p++) {
            int row = p * outDim;
            for (int i = 0; i < outDim; i++) {
                out.put(row + i, out.get(row + i) + bias[i]);
            }
        }
    }

    /** out = LayerNorm(x + residual). */
    private void addNorm(FloatBuffer x, FloatBuffer residual, FloatBuffer out, int s, float[] weight, float[] bias) {
        int n = s * config.hidden();
        for (int i = 0; i < n; i++) {
            out.put(i, x.get(i) + residual.get(i));
        }
        layerNorm(out, out, s, weight, bias);
    }

    /** Two-pass mean and (biased) variance in double, eps from config.json, as torch.nn.LayerNorm. */
    private void layerNorm(FloatBuffer in, FloatBuffer out, int s, float[] weight, float[] bias) {
        int h = config.hidden();
        for (int p = 0; p < s; p++) {
            int row = p * h;
            double mean = 0;
            for (int i = 0; i < h; i++) {
                mean += in.get(row + i);
            }
            mean /= h;
            double var = 0;
            for (int i = 0; i < h; i++) {
                double c = in.get(row + i) - mean;
                var += c * c;
            }
            double inv = 1 / Math.sqrt(var / h + config.layerNormEps());
            for (int i = 0; i < h; i++) {
                out.put(row + i, (float) ((in.get(row + i) - mean) * inv * weight[i] + bias[i]));
            }
        }
    }

    private int padded(int n) {
        return (n + lanes - 1) / lanes * lanes;
    }

    /** A Jlama tensor over the first rows × columns floats of a work buffer (no copy). */
    private static FloatBufferTensor view(FloatBuffer buffer, int rows, int columns) {
        return new FloatBufferTensor(buffer.slice(0, rows * columns), TensorShape.of(rows, columns), false);
    }

    private static FloatBuffer direct(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    }

    @Override
    public BertDimensions dimensions() {
        return dims;
    }

    @Override
    public void describe(JavaRun run) {
        String version = jlamaVersion();
        String kernels = ops.name();
        run.framework("Jlama", version);
        run.library("jlama-core", version);
        run.threadKnob("jlama.PhysicalCoreExecutor.coreCount", JlamaSetup.threads());
        run.manifest("threads.compute", JlamaSetup.threads());
        run.manifest("dtype", "f32");
        run.manifest("blas", "none (Jlama's " + kernels + ")");
        run.manifest("native.engine", "none: pure Java, Jlama " + version + " " + kernels);
        run.manifest("native.library", "none");
        run.manifest("native.sha256", "none");
        run.hyperparameters(Map.of("model_dtype", weights.getModelDType().name(), "tensor_operations", kernels,
                "vector_lanes", lanes, "layer_norm_eps", config.layerNormEps(), "hidden_act", config.hiddenAct() + " (erf)",
                "attention", "bidirectional, masked"));
        run.note("BERT encoder and qa_outputs head written on Jlama " + version + "'s safetensors loader and " + kernels
                + " matrix kernels (every linear layer, attention scores and values); embeddings with token types, LayerNorm, "
                + "softmax, erf GELU and the head in Java here. Jlama's BertModel is not used: its attention is causal, its "
                + "token type is always 0 and its GELU is the tanh approximation, so it does not compute "
                + "BertForQuestionAnswering");
    }

    private static String jlamaVersion() {
        try (InputStream in = BertModel.class.getResourceAsStream("/META-INF/maven/com.github.tjake/jlama-core/pom.properties")) {
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
        closeWeights();
    }

    private void closeWeights() {
        try {
            weights.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing " + e.getMessage(), e);
        }
    }
}
