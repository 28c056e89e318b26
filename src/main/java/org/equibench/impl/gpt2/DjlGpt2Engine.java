package org.equibench.impl.gpt2;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.impl.engines.NativeLibrary;

/**
 * DJL on the PyTorch engine (libtorch) running the task's TorchScript module: {@code forward(input_ids int64 [1, s],
 * past f32 [layers, 2, 1, heads, p, d_head]) -> (logits [1, s, vocab], present [layers, 2, 1, heads, p + s, d_head])}.
 * Every forward pass gets an NDManager of its own that holds its inputs and outputs (DJL attaches a TorchScript
 * module's outputs to its first input's manager); releasing a cache closes that manager, so memory stays at the
 * live caches whatever the number of tokens. The module concatenates a new present and never writes its past, so
 * a prefill cache stays intact across decodes.
 */
final class DjlGpt2Engine implements Gpt2Engine<DjlGpt2Engine.Cache> {
    static final String ENGINE = "PyTorch";
    private static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

    private final Engine engine;
    private final NDManager root;
    private final Model model;
    private final Block block;
    private final ParameterStore store;
    private final NDArray emptyPast;
    private final ModelDimensions dims;
    private final DataType logitsType;
    /**
     * The latest call's logits and the view of their last position: read by the caller until the next call, then
     * freed even while their cache lives on (a prefill's [1, s, vocab] logits would otherwise stay as long as it).
     */
    private NDList latestLogits;

    /** One forward pass's present, in the manager that holds everything that pass made. */
    record Cache(NDManager scope, NDArray present) {
    }

    DjlGpt2Engine(Path torchscript, int threads, Gpt2Config config) throws Exception {
        this.engine = Engine.getEngine(ENGINE);
        // Thread counts are fixed by -Dai.djl.pytorch.num_threads / num_interop_threads on the forked JVM (libtorch
        // refuses a change once started); here they are read back from libtorch.
        if (JniUtils.getNumThreads() != threads) {
            throw new RunnerError("libtorch runs " + JniUtils.getNumThreads() + " intra-op threads, the spec asks for "
                    + threads + " (start the JVM with -Dai.djl.pytorch.num_threads=" + threads + ")");
        }
        this.root = NDManager.newBaseManager(Device.cpu(), ENGINE);
        try {
            this.model = Model.newInstance("gpt2", Device.cpu(), ENGINE);
            model.load(torchscript);
            this.block = model.getBlock();
            this.store = new ParameterStore(root, false);
            this.emptyPast = root.zeros(new Shape(config.layers(), 2, 1, config.heads(), 0, config.headSize()),
                    DataType.FLOAT32);
            Forward<Cache> probe = prefill(new long[] {0});
            this.logitsType = latestLogits.head().getDataType();
            this.dims = dimensionsOf(probe);
            release(probe.cache());
        } catch (Exception | Error e) {
            root.close();
            throw e;
        }
    }

    /** The dimensions as the module reports them: the shapes of what a forward pass returned (one token, at load). */
    private static ModelDimensions dimensionsOf(Forward<Cache> f) {
        Shape present = f.cache().present().getShape();
        return new ModelDimensions(Math.toIntExact(present.get(0)), Math.toIntExact(present.get(3)),
                Math.toIntExact(present.get(3) * present.get(5)), f.logits().limit());
    }

    @Override
    public Forward<Cache> prefill(long[] ids) {
        NDManager scope = root.newSubManager();
        NDList out = forward(scope, scope.create(ids, new Shape(1, ids.length)), emptyPast);
        NDArray last = out.get(0).get(new NDIndex(0, ids.length - 1));
        return forwardResult(out, last, scope);
    }

    @Override
    public Forward<Cache> next(Cache cache, long token, int position) {
        // no position input: the module takes it from the past's length (positions p .. p+s-1)
        NDManager scope = root.newSubManager();
        NDList out = forward(scope, scope.create(new long[] {token}, new Shape(1, 1)), cache.present());
        return forwardResult(out, out.get(0), scope);
    }

    private NDList forward(NDManager scope, NDArray ids, NDArray past) {
        if (latestLogits != null) {
            latestLogits.close(); // closing an array twice (decode: the view is the logits) does nothing
            latestLogits = null;
        }
        try {
            // the module's outputs are attached to the manager of its first input, ids: this pass's scope
            return block.forward(store, new NDList(ids, past), false);
        } catch (RuntimeException | Error e) {
            scope.close();
            throw e;
        }
    }

    private Forward<Cache> forwardResult(NDList out, NDArray lastPosition, NDManager scope) {
        latestLogits = new NDList(out.get(0), lastPosition);
        // a direct view of libtorch's memory: no copy of the vocabulary-sized row
        FloatBuffer logits = lastPosition.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
        return new Forward<>(logits, new Cache(scope, out.get(1)));
    }

    @Override
    public void release(Cache cache) {
        cache.scope().close();
    }

    @Override
    public ModelDimensions dimensions() {
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
        run.manifest("dtype", logitsType == DataType.FLOAT32 ? "f32" : logitsType.toString());
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
