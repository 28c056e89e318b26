package org.equibench.impl.bertqa;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.engines.NativeLibrary;
import org.equibench.impl.engines.OrtStartup;

/**
 * DJL's OnnxRuntime engine ({@code ai.djl.onnxruntime:onnxruntime-engine}) on the task's graph. DJL creates ONNX
 * Runtime's environment itself (this row never touches {@code OrtEnvironment}: one made before DJL's breaks DJL's
 * engine), on a large-stack thread for the reason {@link OrtStartup} gives. The session options go through DJL's model
 * options ({@code intraOpNumThreads}, {@code interOpNumThreads}, {@code executionMode}, {@code optLevel}), which its
 * {@code OrtModel} turns into ORT session options; ORT has no getter for them, so they are reported as set. Inputs are
 * named NDArrays in a per-pass manager; the logits are copied to Java arrays and the manager closed.
 */
final class DjlOrtBertQaEngine implements BertQaEngine {
    static final String ENGINE = "OnnxRuntime";
    private static final String EXECUTION = "SEQUENTIAL";
    private static final String OPTIMIZATION = "ALL_OPT";
    private static final int INTER_OP_THREADS = 1;
    /** DJL's OrtEngine sizes ORT's global thread pools from these when set (per-session pools otherwise). */
    private static final List<String> GLOBAL_THREADS = List.of("ai.djl.onnxruntime.num_threads",
            "ai.djl.onnxruntime.num_interop_threads");

    private final Engine engine;
    private final NDManager root;
    private final Model model;
    private final Block block;
    private final ParameterStore store;
    private final Map<String, String> options;
    private final int threads;
    private final BertDimensions dims;
    private DataType logitsType;

    DjlOrtBertQaEngine(Path onnx, int threads, BertConfig config) throws Exception {
        this.engine = OrtStartup.onLargeStack(() -> Engine.getEngine(ENGINE));
        this.threads = threads;
        this.options = new LinkedHashMap<>();
        options.put("intraOpNumThreads", Integer.toString(threads));
        options.put("interOpNumThreads", Integer.toString(INTER_OP_THREADS));
        options.put("executionMode", EXECUTION);
        options.put("optLevel", OPTIMIZATION);
        this.root = engine.newBaseManager(Device.cpu());
        try {
            this.model = Model.newInstance("bert-qa", Device.cpu(), ENGINE);
            String file = onnx.getFileName().toString();
            model.load(onnx, file.substring(0, file.length() - ".onnx".length()), options);
            this.block = model.getBlock();
            this.store = new ParameterStore(root, false);
            QaGraph.require(file, "inputs", names(block.describeInput()), QaGraph.INPUTS);
            this.dims = QaGraph.fromConfig(config);
        } catch (Exception | Error e) {
            root.close();
            throw e;
        }
    }

    private static List<String> names(PairList<String, Shape> described) {
        List<String> names = new ArrayList<>();
        for (Pair<String, Shape> p : described) {
            names.add(p.getKey());
        }
        return names;
    }

    @Override
    public QaLogits run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {
        Shape shape = new Shape(1, inputIds.length);
        try (NDManager scope = root.newSubManager()) {
            NDList out = block.forward(store, new NDList(named(scope.create(inputIds, shape), QaGraph.INPUT_IDS),
                    named(scope.create(attentionMask, shape), QaGraph.ATTENTION_MASK),
                    named(scope.create(tokenTypeIds, shape), QaGraph.TOKEN_TYPE_IDS)), false);
            NDArray start = out.get(QaGraph.START_LOGITS);
            NDArray end = out.get(QaGraph.END_LOGITS);
            if (start == null || end == null) {
                // DJL names the outputs after the graph's; the first pass (the load's probe) finds a graph without them
                List<String> found = new ArrayList<>();
                out.forEach(a -> found.add(a.getName()));
                throw new IllegalStateException("the graph's outputs are " + found + ", the task's are " + QaGraph.OUTPUTS);
            }
            logitsType = start.getDataType();
            return new QaLogits(start.toFloatArray(), end.toFloatArray());
        }
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }

    @Override
    public BertDimensions dimensions() {
        return dims;
    }

    @Override
    public void describe(JavaRun run) throws Exception {
        // DJL's OrtEngine.getVersion() is a constant of its build (1.21.1 for DJL 0.35.1), not the library it loaded:
        // the version is the one of the ONNX Runtime Java jar on the classpath (its manifest), read without touching
        // OrtEnvironment
        String ort = ai.onnxruntime.OrtEnvironment.class.getPackage().getImplementationVersion();
        run.framework("DJL (OnnxRuntime engine)", Engine.getDjlVersion());
        run.library("onnxruntime", ort);
        run.library("djl onnxruntime-engine (its OrtEngine.getVersion())", engine.getVersion());
        options.forEach((k, v) -> run.threadKnob("djl.ort." + k, v));
        for (String p : GLOBAL_THREADS) {
            run.threadKnob(p, System.getProperty(p, "unset (per-session thread pools)"));
        }
        run.manifest("threads.compute", threads);
        run.manifest("dtype", logitsType == DataType.FLOAT32 ? "f32" : String.valueOf(logitsType));
        run.manifest("blas", "none (ONNX Runtime's MLAS kernels)");
        run.hyperparameters(Map.of("graph_optimization_level", OPTIMIZATION, "execution_mode", EXECUTION,
                "intra_op_num_threads", threads, "inter_op_num_threads", INTER_OP_THREADS));
        NativeLibrary.loaded("libonnxruntime.so").report(run, "onnxruntime " + ort);
    }

    @Override
    public void close() {
        try {
            model.close();
        } finally {
            root.close();
        }
    }
}
