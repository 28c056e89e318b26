package org.equibench.impl.gpt2;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.engines.NativeLibrary;
import org.equibench.impl.engines.OrtStartup;

/**
 * ONNX Runtime Java on the task's graph (PROTOCOL.md: inputs {@code input_ids}, {@code position_ids},
 * {@code past_key_values.N.key/value}; outputs {@code logits}, {@code present.N.key/value}). A step's presents are
 * fed to the next step as its past as they are (ORT's own tensors, no copy); ORT never writes an input, so a
 * prefill's presents stay intact for every decode that starts from them. Logits are a pinned output
 * ({@link PinnedLogits}); a decode step's two ids live in direct buffers that ORT reads in place.
 */
final class OrtGpt2Engine implements Gpt2Engine<OrtGpt2Engine.Cache> {
    static final String INPUT_IDS = "input_ids";
    static final String POSITION_IDS = "position_ids";
    static final String LOGITS = "logits";
    private static final SessionOptions.OptLevel OPTIMIZATION = SessionOptions.OptLevel.ALL_OPT;
    private static final SessionOptions.ExecutionMode EXECUTION = SessionOptions.ExecutionMode.SEQUENTIAL;
    private static final int INTER_OP_THREADS = 1;

    private final OrtEnvironment env;
    private final SessionOptions options;
    private final OrtSession session;
    private final int threads;
    private final ModelDimensions dims;
    private final String[] pastNames;
    private final String[] presentNames;
    private final Set<String> presentNameSet;
    private final OnnxTensor[] emptyPast;
    private final LongBuffer stepId = directLongs(1);
    private final LongBuffer stepPosition = directLongs(1);
    private final OnnxTensor stepIdTensor;
    private final OnnxTensor stepPositionTensor;
    private final PinnedLogits logits;
    private final Map<String, OnnxTensor> feed = new HashMap<>();

    /** The presents of one run: its {@code Result} owns them, and closing it frees them (never the pinned logits). */
    record Cache(OrtSession.Result result, OnnxTensor[] tensors) {
    }

    OrtGpt2Engine(Path model, int threads) throws OrtException, InterruptedException {
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
            OnnxGraphLayout layout = OnnxGraphLayout.read(session, file);
            this.dims = layout.dimensions();
            this.pastNames = layout.pastNames();
            this.presentNames = layout.presentNames();
            this.presentNameSet = new LinkedHashSet<>(List.of(presentNames));
            // the empty past (p = 0) every prefill starts from, shared: ORT never writes an input
            this.emptyPast = new OnnxTensor[pastNames.length];
            long[] emptyShape = {1, dims.heads(), 0, dims.dModel() / dims.heads()};
            for (int i = 0; i < emptyPast.length; i++) {
                emptyPast[i] = OnnxTensor.createTensor(env, directFloats(0), emptyShape);
            }
            this.stepIdTensor = OnnxTensor.createTensor(env, stepId, new long[] {1, 1});
            this.stepPositionTensor = OnnxTensor.createTensor(env, stepPosition, new long[] {1, 1});
            this.logits = new PinnedLogits(env, dims.vocab());
        } catch (OrtException | RuntimeException e) {
            session.close();
            options.close();
            throw e;
        }
    }

    @Override
    public Forward<Cache> prefill(long[] ids) throws OrtException {
        int s = ids.length;
        LongBuffer idBuf = directLongs(s).put(0, ids);
        LongBuffer posBuf = directLongs(s);
        for (int i = 0; i < s; i++) {
            posBuf.put(i, i);
        }
        try (OnnxTensor idTensor = OnnxTensor.createTensor(env, idBuf, new long[] {1, s});
             OnnxTensor posTensor = OnnxTensor.createTensor(env, posBuf, new long[] {1, s})) {
            return run(idTensor, posTensor, emptyPast, s);
        }
    }

    @Override
    public Forward<Cache> next(Cache cache, long token, int position) throws OrtException {
        stepId.put(0, token);
        stepPosition.put(0, position);
        return run(stepIdTensor, stepPositionTensor, cache.tensors(), 1);
    }

    private Forward<Cache> run(OnnxTensor ids, OnnxTensor positions, OnnxTensor[] past, int length) throws OrtException {
        feed.put(INPUT_IDS, ids);
        feed.put(POSITION_IDS, positions);
        for (int i = 0; i < past.length; i++) {
            feed.put(pastNames[i], past[i]);
        }
        OrtSession.Result result = session.run(feed, presentNameSet, Map.of(LOGITS, logits.forLength(length)));
        OnnxTensor[] presents = new OnnxTensor[presentNames.length];
        for (int i = 0; i < presents.length; i++) {
            presents[i] = (OnnxTensor) result.get(presentNames[i]).orElseThrow();
        }
        return new Forward<>(logits.lastPosition(), new Cache(result, presents));
    }

    @Override
    public void release(Cache cache) {
        cache.result().close();
    }

    @Override
    public ModelDimensions dimensions() {
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
        run.manifest("dtype", OnnxGraphLayout.dtype(session));
        run.manifest("blas", "none (ONNX Runtime's MLAS kernels)");
        run.hyperparameters(Map.of("graph_optimization_level", OPTIMIZATION.name(), "execution_mode", EXECUTION.name(),
                "intra_op_num_threads", threads, "inter_op_num_threads", INTER_OP_THREADS));
        NativeLibrary.loaded("libonnxruntime.so").report(run, "onnxruntime " + version);
    }

    @Override
    public void close() {
        logits.close();
        stepIdTensor.close();
        stepPositionTensor.close();
        for (OnnxTensor t : emptyPast) {
            t.close();
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing the ONNX Runtime session: " + e.getMessage(), e);
        } finally {
            options.close();
        }
    }

    private static FloatBuffer directFloats(int n) {
        return ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    private static LongBuffer directLongs(int n) {
        return ByteBuffer.allocateDirect(n * Long.BYTES).order(ByteOrder.nativeOrder()).asLongBuffer();
    }
}
