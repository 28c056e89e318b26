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
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.impl.engines.NativeLibrary;

/**
 * DJL on the PyTorch engine (libtorch) running the task's traced module: {@code forward(input_ids, attention_mask,
 * token_type_ids)} (int64 [1, s]) → {@code (start_logits, end_logits)} (f32 [1, s]). Every pass gets an NDManager of
 * its own for its inputs and outputs (DJL attaches a TorchScript module's outputs to its first input's manager), closed
 * once the logits are copied out.
 */
final class DjlBertQaEngine implements BertQaEngine {
    static final String ENGINE = "PyTorch";
    private static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)encoder\\.layer\\.(\\d+)\\.");

    private final Engine engine;
    private final NDManager root;
    private final Model model;
    private final Block block;
    private final ParameterStore store;
    private final BertDimensions dims;
    private DataType logitsType;

    DjlBertQaEngine(Path torchscript, int threads, BertConfig config) throws Exception {
        this.engine = Engine.getEngine(ENGINE);
        // Thread counts are fixed by -Dai.djl.pytorch.num_threads / num_interop_threads on the forked JVM (libtorch
        // refuses a change once started); here they are read back from libtorch.
        if (JniUtils.getNumThreads() != threads) {
            throw new RunnerError("libtorch runs " + JniUtils.getNumThreads() + " intra-op threads, the spec asks for "
                    + threads + " (start the JVM with -Dai.djl.pytorch.num_threads=" + threads + ")");
        }
        this.root = NDManager.newBaseManager(Device.cpu(), ENGINE);
        try {
            this.model = Model.newInstance("bert-qa", Device.cpu(), ENGINE);
            model.load(torchscript);
            this.block = model.getBlock();
            this.store = new ParameterStore(root, false);
            this.dims = dimensionsOf(block, config, torchscript.getFileName().toString());
        } catch (Exception | Error e) {
            root.close();
            throw e;
        }
    }

    /**
     * Layers, hidden size and vocabulary as the module's parameters hold them ({@code …encoder.layer.N.…},
     * {@code …embeddings.word_embeddings.weight}); heads as config.json has them (no weight says).
     */
    private static BertDimensions dimensionsOf(Block block, BertConfig config, String file) {
        TreeSet<Integer> layers = new TreeSet<>();
        Shape words = null;
        for (Pair<String, Parameter> p : block.getParameters()) {
            Matcher m = LAYER.matcher(p.getKey());
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
            if (p.getKey().endsWith("embeddings.word_embeddings.weight")) {
                words = p.getValue().getArray().getShape();
            }
        }
        if (words == null || words.dimension() != 2) {
            throw new RunnerError(file + ": no parameter …embeddings.word_embeddings.weight [vocab, hidden] in the module");
        }
        return new BertDimensions(layers.size(), config.heads(), Math.toIntExact(words.get(1)), Math.toIntExact(words.get(0)),
                "the TorchScript module's parameters (layers, hidden, vocab; heads from config.json)");
    }

    @Override
    public QaLogits run(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {
        Shape shape = new Shape(1, inputIds.length);
        try (NDManager scope = root.newSubManager()) {
            NDList out = block.forward(store, new NDList(scope.create(inputIds, shape), scope.create(attentionMask, shape),
                    scope.create(tokenTypeIds, shape)), false);
            NDArray start = out.get(0);
            logitsType = start.getDataType();
            return new QaLogits(start.toFloatArray(), out.get(1).toFloatArray());
        }
    }

    @Override
    public BertDimensions dimensions() {
        return dims;
    }

    @Override
    public void describe(JavaRun run) throws Exception {
        run.framework("DJL (PyTorch engine)", Engine.getDjlVersion());
        run.library("libtorch", engine.getVersion());
        run.threadKnob("torch.get_num_threads", JniUtils.getNumThreads());
        run.threadKnob("torch.get_num_interop_threads", JniUtils.getNumInteropThreads());
        String optimizer = System.getProperty(GRAPH_OPTIMIZER);
        run.threadKnob(GRAPH_OPTIMIZER, optimizer == null ? "unset (libtorch default: profiling executor on)" : optimizer);
        run.manifest("threads.compute", JniUtils.getNumThreads());
        run.manifest("dtype", logitsType == DataType.FLOAT32 ? "f32" : String.valueOf(logitsType));
        run.manifest("blas", "libtorch " + engine.getVersion() + " bundled BLAS (not exposed through DJL)");
        NativeLibrary.loaded("libtorch_cpu.so").report(run, "libtorch " + engine.getVersion());
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
