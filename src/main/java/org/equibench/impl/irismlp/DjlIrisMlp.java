package org.equibench.impl.irismlp;

import java.util.Map;
import java.util.function.Supplier;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.IrisMlpTask;

/**
 * {@code java/djl}: the iris MLP as DJL NDArray operations on the PyTorch engine, float64, one thread.
 * The gradients are written out as NDArray expressions (as the NumPy reference writes them) rather than
 * taken from autograd, so the row measures DJL's tensor kernels and JNI crossings on the same arithmetic.
 */
public final class DjlIrisMlp implements JavaImplementation {
    private static final String ENGINE = "PyTorch";

    @Override
    public String task() {
        return "iris-mlp";
    }

    @Override
    public String id() {
        return "java/djl";
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        Engine engine = Engine.getEngine(ENGINE);
        // Thread counts are set by -Dai.djl.pytorch.num_threads / num_interop_threads on the forked JVM
        // (libtorch refuses a change once it has started); here they are read back from libtorch.
        if (JniUtils.getNumThreads() != spec.threads()) {
            throw new IllegalStateException("libtorch runs " + JniUtils.getNumThreads() + " intra-op threads, spec asks for " + spec.threads());
        }
        run.framework("DJL (PyTorch engine)", Engine.getDjlVersion());
        run.library("libtorch", engine.getVersion());
        run.threadKnob("torch.get_num_threads", JniUtils.getNumThreads());
        run.threadKnob("torch.get_num_interop_threads", JniUtils.getNumInteropThreads());
        run.note("gradients as explicit NDArray expressions, not autograd");
        IrisData.reportPlainSgd(run);
        run.manifest("threads.compute", JniUtils.getNumThreads());
        run.manifest("blas", "libtorch " + engine.getVersion() + " bundled BLAS (not exposed through DJL)");

        IrisMlpTask.Params params = run.params(IrisMlpTask.Params.class);
        IrisData data = IrisData.loadPhase(run, params);

        int hidden = params.hidden();
        int epochs = params.epochs();
        int batch = params.batchSize();
        double lr = params.learningRate();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), ENGINE)) {
            int n = data.trainRows();
            NDArray x = manager.create(data.trainX(), new Shape(n, IrisData.FEATURES));
            NDArray onehot = manager.create(data.trainY()).oneHot(IrisData.CLASSES, DataType.FLOAT64);
            NDArray xTest = manager.create(data.testX(), new Shape(data.testRows(), IrisData.FEATURES));
            Weights w = new Weights(manager, data.w1(), data.b1(), data.w2(), data.b2(), hidden);
            double[] lossCurve = new double[epochs];

            Runnable train = () -> {
                w.reset(data.w1(), data.b1(), data.w2(), data.b2());
                train(w, x, onehot, n, epochs, batch, lr, lossCurve);
            };
            // Read from the live tensors after each repetition (PROTOCOL.md, "Timed work re-verified").
            Supplier<Map<String, NdArray>> trained = () -> Map.of("W1", NdArray.f64(w.w1.toDoubleArray(), IrisData.FEATURES, hidden),
                    "b1", NdArray.f64(w.b1.toDoubleArray(), hidden), "W2", NdArray.f64(w.w2.toDoubleArray(), hidden, IrisData.CLASSES),
                    "b2", NdArray.f64(w.b2.toDoubleArray(), IrisData.CLASSES), "loss_curve", NdArray.f64(lossCurve, epochs));
            run.phase("train", 1, train::run, trained);

            int[] testPred = new int[data.testRows()];
            run.phase("infer_single", data.testRows(), () -> {
                for (int i = 0; i < testPred.length; i++) {
                    try (NDScope scope = new NDScope()) {
                        NDArray row = manager.create(java.util.Arrays.copyOfRange(data.testX(), i * IrisData.FEATURES,
                                (i + 1) * IrisData.FEATURES), new Shape(1, IrisData.FEATURES));
                        testPred[i] = (int) logits(w, row).argMax(1).getLong();
                    }
                }
            });
            double[][] proba = new double[1][];
            Supplier<Map<String, NdArray>> predicted = () -> Map.of("test_pred", NdArray.labels(testPred),
                    "test_proba", NdArray.f64(proba[0], data.testRows(), IrisData.CLASSES));
            run.phase("infer_batch", 1, () -> proba[0] = predictBatch(w, xTest, testPred), predicted);
            int[] trainPred = new int[n];
            try (NDScope scope = new NDScope()) {
                long[] p = logits(w, x).argMax(1).toLongArray();
                for (int i = 0; i < n; i++) {
                    trainPred[i] = (int) p[i];
                }
            }

            run.manifest("dtype", w.w1.getDataType() == DataType.FLOAT64 ? "f64" : w.w1.getDataType().toString());
            run.metric("train_accuracy", IrisData.accuracy(trainPred, data.trainY()));
            run.metric("test_accuracy", IrisData.accuracy(testPred, data.testY()));
            run.outputs(trained.get());
            run.output("train_x", data.trainMatrix());
            run.output("train_pred", NdArray.labels(trainPred));
            run.outputs(predicted.get());
        }
    }

    /** The four parameter tensors, living in the long-lived manager and updated in place. */
    private static final class Weights {
        final NDArray w1;
        final NDArray b1;
        final NDArray w2;
        final NDArray b2;

        Weights(NDManager m, double[] w1, double[] b1, double[] w2, double[] b2, int hidden) {
            this.w1 = m.create(w1, new Shape(IrisData.FEATURES, hidden));
            this.b1 = m.create(b1, new Shape(hidden));
            this.w2 = m.create(w2, new Shape(hidden, IrisData.CLASSES));
            this.b2 = m.create(b2, new Shape(IrisData.CLASSES));
        }

        void reset(double[] w1, double[] b1, double[] w2, double[] b2) {
            this.w1.set(w1);
            this.b1.set(b1);
            this.w2.set(w2);
            this.b2.set(b2);
        }
    }

    private static void train(Weights w, NDArray x, NDArray onehot, int n, int epochs, int batch, double lr, double[] lossCurve) {
        for (int e = 0; e < epochs; e++) {
            double epochLoss = 0;
            for (int start = 0; start < n; start += batch) {
                int m = Math.min(batch, n - start);
                // every temporary of a step is closed with the scope; the weights are updated in place
                try (NDScope scope = new NDScope()) {
                    NDArray xb = x.get(start + ":" + (start + m));
                    NDArray yb = onehot.get(start + ":" + (start + m));
                    NDArray z1 = xb.matMul(w.w1).add(w.b1);
                    NDArray h = z1.maximum(0.0);
                    NDArray p = softmax(h.matMul(w.w2).add(w.b2));
                    epochLoss += -p.mul(yb).sum(new int[] {1}).log().mean().getDouble() * m;
                    NDArray d2 = p.sub(yb).div(m);
                    NDArray gw2 = h.transpose().matMul(d2);
                    NDArray gb2 = d2.sum(new int[] {0});
                    NDArray dh = d2.matMul(w.w2.transpose()).mul(z1.gt(0.0).toType(DataType.FLOAT64, false));
                    NDArray gw1 = xb.transpose().matMul(dh);
                    NDArray gb1 = dh.sum(new int[] {0});
                    w.w1.subi(gw1.mul(lr));
                    w.b1.subi(gb1.mul(lr));
                    w.w2.subi(gw2.mul(lr));
                    w.b2.subi(gb2.mul(lr));
                }
            }
            lossCurve[e] = epochLoss / n;
        }
    }

    private static NDArray softmax(NDArray z) {
        NDArray e = z.sub(z.max(new int[] {1}, true)).exp();
        return e.div(e.sum(new int[] {1}, true));
    }

    private static NDArray logits(Weights w, NDArray x) {
        return x.matMul(w.w1).add(w.b1).maximum(0.0).matMul(w.w2).add(w.b2);
    }

    private static double[] predictBatch(Weights w, NDArray x, int[] classes) {
        try (NDScope scope = new NDScope()) {
            NDArray p = softmax(logits(w, x));
            long[] c = p.argMax(1).toLongArray();
            for (int i = 0; i < c.length; i++) {
                classes[i] = (int) c[i];
            }
            return p.toDoubleArray();
        }
    }
}
