package org.equibench.impl.cnn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.impl.core.RunnerError;
import org.equibench.impl.engines.NativeLibrary;
import org.equibench.task.CnnCifar10Task;

/**
 * {@code java/djl} of cnn-cifar10: the contract's CNN trained with Adam as DJL NDArray operations on the PyTorch
 * engine (libtorch), with DJL's autograd ({@code GradientCollector}) for the gradients and the Adam update written
 * in PyTorch's order ({@link TorchOrderAdam}); f32, one intra-op and one inter-op thread. On the venv's libtorch
 * (the launcher points DJL at it when the versions agree) it runs the same kernels as python/torch.
 */
public final class DjlCnnCifar10 implements JavaImplementation {
    private static final String ENGINE = "PyTorch";
    private static final int EARLY_STEPS = 50;
    private static final int FINAL_STEPS = 10;

    @Override
    public String task() {
        return "cnn-cifar10";
    }

    @Override
    public String id() {
        return "java/djl";
    }

    @Override
    public void run(JavaRun run) throws Exception {
        Engine engine = Engine.getEngine(ENGINE);
        // Thread counts are set by -Dai.djl.pytorch.num_threads / num_interop_threads on the forked JVM (libtorch
        // refuses a change once it has started); here they are read back from libtorch.
        if (JniUtils.getNumThreads() != run.spec().threads()) {
            throw new RunnerError("libtorch runs " + JniUtils.getNumThreads() + " intra-op threads, the spec asks for "
                    + run.spec().threads());
        }
        CnnCifar10Task.Params p = run.params(CnnCifar10Task.Params.class);
        CnnInputs.checkSizes(p);
        TorchOrderAdam.check(p);
        CnnTrainer.gradModeOff();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), ENGINE); Session s = new Session()) {
            run.phase("load", 1, () -> {
                s.closeData();
                s.inputs = CnnInputs.read(run.spec(), p);
                s.data = new CifarTensors(manager, s.inputs, p.batchSize());
            });
            run.phase("build", 1, () -> {
                s.closeModel();
                s.initial = CnnWeights.initial(manager, s.inputs.initial(), DataType.FLOAT32);
                s.weights = s.initial.trainableCopy(manager);
                s.adam = new TorchOrderAdam(manager, s.weights, p);
            });
            CnnTrainer trainer = new CnnTrainer(engine, s.data.trainImages, s.data.trainLabels, s.data.batches);
            run.phase("train", p.steps(), () -> {
                // each repetition the same work from the same start: the initial weights and a zero Adam state
                s.closeTrained();
                s.weights = s.initial.trainableCopy(manager);
                s.adam = new TorchOrderAdam(manager, s.weights, p);
                s.log = trainer.timedRun(p.steps(), s.weights, s.adam);
            }, s::trained);
            run.phase("evaluate", 1, () -> s.testPred = predict(s.weights, s.data.testImages, p.batchSize()),
                    () -> Map.of("test_pred", NdArray.labels(s.testPred)));
            run.phase("check_f64", 1, () -> s.f64 = F64Check.run(engine, manager, s.inputs, p));

            report(run, engine);
            writeResults(run, p, s);
        }
    }

    /** The predicted class of each image, in batches of {@code batchSize}; argmax takes the lowest class on a tie. */
    private static long[] predict(CnnWeights weights, NDArray images, int batchSize) {
        int n = Math.toIntExact(images.getShape().get(0));
        long[] predicted = new long[n];
        for (int start = 0; start < n; start += batchSize) {
            int end = Math.min(n, start + batchSize);
            try (NDScope temporaries = new NDScope()) {
                long[] classes = SeedCnn.logits(weights, images.get(start + ":" + end)).argMax(1).toLongArray();
                System.arraycopy(classes, 0, predicted, start, classes.length);
                temporaries.suppressNotUsedWarning();
            }
        }
        return predicted;
    }

    private static void report(JavaRun run, Engine engine) throws java.io.IOException {
        run.framework("DJL (PyTorch engine)", Engine.getDjlVersion());
        run.library("libtorch", engine.getVersion());
        run.threadKnob("torch.get_num_threads", JniUtils.getNumThreads());
        run.threadKnob("torch.get_num_interop_threads", JniUtils.getNumInteropThreads());
        run.manifest("threads.compute", JniUtils.getNumThreads());
        run.manifest("dtype", "f32");
        run.manifest("blas", "libtorch " + engine.getVersion() + " bundled BLAS (not exposed through DJL)");
        NativeLibrary.loaded("libtorch_cpu.so").report(run, "libtorch " + engine.getVersion());
        Map<String, Object> adam = new LinkedHashMap<>();
        adam.put("implementation", "NDArray operations in torch.optim.Adam's single-tensor order");
        adam.put("first_moment", "lerp_ as m + (1-beta1)*(g - m) with one rounding (f64 detour; DJL has no lerp_)");
        adam.put("second_moment", "addcmul_ as v*beta2 + (g*(1-beta2))*g with one rounding (f64 detour; DJL has no "
                + "addcmul_)");
        adam.put("amsgrad", false);
        adam.put("maximize", false);
        run.hyperparameters(Map.of("adam", adam, "loss", "logSoftmax(1).gather(label).mean().neg(); its value summed "
                + "in nll_loss's order"));
        run.note("Adam as NDArray operations in PyTorch's order; lerp_ and addcmul_ (absent from DJL) round their last "
                + "multiply-add once, which this row reproduces through f64 scratch tensors at some cost per step");
    }

    private static void writeResults(JavaRun run, CnnCifar10Task.Params p, Session s) throws java.io.IOException {
        run.hyperparameter("optimizer", "adam");
        run.hyperparameter("learning_rate", p.learningRate());
        run.hyperparameter("beta1", p.beta1());
        run.hyperparameter("beta2", p.beta2());
        run.hyperparameter("eps", p.eps());
        run.hyperparameter("weight_decay", p.weightDecay());
        run.hyperparameter("batch_size", p.batchSize());
        run.hyperparameter("steps", p.steps());
        run.hyperparameter("init", "injected");

        double[] losses = s.log.losses();
        int[] testLabels = s.inputs.test().labels();
        int hits = 0;
        for (int i = 0; i < testLabels.length; i++) {
            hits += s.testPred[i] == testLabels[i] ? 1 : 0;
        }
        run.metric("test_accuracy", (double) hits / testLabels.length);
        run.metric("final_loss", Arrays.stream(losses, Math.max(0, losses.length - FINAL_STEPS), losses.length)
                .average().orElseThrow());

        run.outputs(s.trained());
        run.output("test_pred", NdArray.labels(s.testPred));
        run.output("train_step_ns", new NdArray(NdArray.DType.I64, new int[] {p.steps()},
                Arrays.stream(s.log.stepNs()).asDoubleStream().toArray()));
        run.output("f64_losses", NdArray.f64(s.f64.losses(), p.f64Steps()));
        run.output("f64_params", NdArray.f64(s.f64.params(), p.f64Steps(), CnnParameter.TOTAL_SIZE));
    }

    private static NdArray f32(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return new NdArray(NdArray.DType.F32, new int[] {values.length}, wide);
    }

    /** What the phases hand each other; each phase frees what its previous repetition made. */
    private static final class Session implements AutoCloseable {
        CnnInputs inputs;
        CifarTensors data;
        CnnWeights initial;
        CnnWeights weights;
        TorchOrderAdam adam;
        CnnTrainer.Log log;
        long[] testPred;
        F64Check.Result f64;

        /** What the train phase computed, as its last run left it (read after each timed repetition, and for the files). */
        Map<String, NdArray> trained() {
            double[] losses = log.losses();
            double[] early = Arrays.copyOf(losses, Math.min(EARLY_STEPS, losses.length));
            return Map.of("step1_loss", NdArray.f64(new double[] {losses[0]}, 1), "early_losses", NdArray.f64(early, early.length),
                    "step1_params", f32(log.step1Params()));
        }

        void closeData() {
            if (data != null) {
                data.close();
            }
        }

        void closeModel() {
            closeTrained();
            if (initial != null) {
                initial.close();
            }
        }

        void closeTrained() {
            if (adam != null) {
                adam.close();
            }
            if (weights != null) {
                weights.close();
            }
        }

        @Override
        public void close() {
            closeModel();
            closeData();
        }
    }
}
