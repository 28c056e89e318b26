package org.equibench.impl.bertqa;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.engines.NativeLibrary;
import org.equibench.impl.engines.OrtStartup;

/**
 * ONNX Runtime Java on the task's graph (inputs {@code input_ids}, {@code attention_mask}, {@code token_type_ids}
 * int64 [1, s]; outputs {@code start_logits}, {@code end_logits} f32 [1, s]). The three inputs are direct buffers of
 * {@code max_positions} longs made once, which ORT reads in place through a tensor over their first s entries; the
 * outputs are copied into Java arrays before the result is freed.
 */
final class OrtBertQaEngine implements BertQaEngine {
    private static final SessionOptions.OptLevel OPTIMIZATION = SessionOptions.OptLevel.ALL_OPT;
    private static final SessionOptions.ExecutionMode EXECUTION = SessionOptions.ExecutionMode.SEQUENTIAL;
    private static final int INTER_OP_THREADS = 1;

    private final OrtEnvironment env;
    private final SessionOptions options;
    private final OrtSession session;
    private final int threads;
    private final BertDimensions dims;
    private final LongBuffer ids;
    private final LongBuffer mask;
    private final LongBuffer types;
    private final Map<String, OnnxTensor> feed = new HashMap<>();

    OrtBertQaEngine(Path model, int threads, BertConfig config) throws OrtException, InterruptedException {
        this.env = OrtStartup.environment();
        this.threads = threads;
        this.options = new SessionOptions();
        try {
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(INTER_OP_THREADS);
            options.setExecutionMode(EXECUTION);
            options.setOptimizationLevel(OPTIMIZATION);
            this.session = env.createSession(model.toString(), options);
        } catch (OrtException | RuntimeException e) {
            options.close();
            throw e;
        }
        try {
            String file = model.getFileName().toString();
            QaGraph.require(file, "inputs", session.getInputNames(), QaGraph.INPUTS);
            QaGraph.require(file, "outputs", session.getOutputNames(), QaGraph.OUTPUTS);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.dims = QaGraph.fromConfig(config);
        this.ids = directLongs(config.maxPositions());
        this.mask = directLongs(config.maxPositions());
        this.types = directLongs(config.maxPositions());
    }

    @Override
    public QaLogits run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) throws OrtException {
        int s = inputIds.length;
        long[] shape = {1, s};
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, ids.put(0, inputIds).slice(0, s), shape);
             OnnxTensor maskTensor = OnnxTensor.createTensor(env, mask.put(0, attentionMask).slice(0, s), shape);
             OnnxTensor typeTensor = OnnxTensor.createTensor(env, types.put(0, tokenTypeIds).slice(0, s), shape)) {
            feed.put(QaGraph.INPUT_IDS, idTensor);
            feed.put(QaGraph.ATTENTION_MASK, maskTensor);
            feed.put(QaGraph.TOKEN_TYPE_IDS, typeTensor);
            try (OrtSession.Result result = session.run(feed)) {
                return new QaLogits(floats(result, QaGraph.START_LOGITS, s), floats(result, QaGraph.END_LOGITS, s));
            } finally {
                feed.clear();
            }
        }
    }

    private static float[] floats(OrtSession.Result result, String name, int s) {
        FloatBuffer b = ((OnnxTensor) result.get(name).orElseThrow()).getFloatBuffer();
        if (b.remaining() != s) {
            throw new IllegalStateException(name + " has " + b.remaining() + " values for " + s + " positions");
        }
        float[] out = new float[s];
        b.get(out);
        return out;
    }

    @Override
    public BertDimensions dimensions() {
        return dims;
    }

    @Override
    public void describe(JavaRun run) throws Exception {
        String version = env.getVersion();
        run.framework("ONNX Runtime Java", version);
        run.library("onnxruntime", version);
        // ORT has no getter for a session's thread counts: these are the options this session was built with
        run.threadKnob("ort.intra_op_num_threads", threads);
        run.threadKnob("ort.inter_op_num_threads", INTER_OP_THREADS);
        run.threadKnob("ort.execution_mode", EXECUTION.name());
        run.manifest("threads.compute", threads);
        run.manifest("dtype", dtype(session));
        run.manifest("blas", "none (ONNX Runtime's MLAS kernels)");
        run.hyperparameters(Map.of("graph_optimization_level", OPTIMIZATION.name(), "execution_mode", EXECUTION.name(),
                "intra_op_num_threads", threads, "inter_op_num_threads", INTER_OP_THREADS));
        NativeLibrary.loaded("libonnxruntime.so").report(run, "onnxruntime " + version);
    }

    static String dtype(OrtSession session) throws OrtException {
        OnnxJavaType type = ((TensorInfo) session.getOutputInfo().get(QaGraph.START_LOGITS).getInfo()).type;
        return type == OnnxJavaType.FLOAT ? "f32" : type.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
        } finally {
            options.close();
        }
    }

    private static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
