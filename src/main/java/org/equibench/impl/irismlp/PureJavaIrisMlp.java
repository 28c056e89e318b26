package org.equibench.impl.irismlp;

import java.util.Map;
import java.util.function.Supplier;

import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.task.IrisMlpTask;

/** {@code java/pure}: the iris MLP in plain double[] loops ({@link DenseMlp}), no libraries. */
public final class PureJavaIrisMlp implements JavaImplementation {
    @Override
    public String task() {
        return "iris-mlp";
    }

    @Override
    public String id() {
        return "java/pure";
    }

    @Override
    public void run(JavaRun run) throws Exception {
        run.framework("plain Java (double[] loops)", System.getProperty("java.version"));
        IrisData.reportPlainSgd(run);
        run.manifest("threads.compute", 1); // plain loops on the calling thread, no pool
        IrisMlpTask.Params params = run.params(IrisMlpTask.Params.class);
        IrisData data = IrisData.loadPhase(run, params);

        int hidden = params.hidden();
        int epochs = params.epochs();
        int batch = params.batchSize();
        double lr = params.learningRate();
        DenseMlp mlp = new DenseMlp(IrisData.FEATURES, hidden, IrisData.CLASSES, batch);
        double[] lossCurve = new double[epochs];
        Runnable train = () -> {
            mlp.setWeights(data.w1(), data.b1(), data.w2(), data.b2());
            mlp.train(data.trainX(), data.trainY(), data.trainRows(), epochs, batch, lr, lossCurve);
        };
        Supplier<Map<String, NdArray>> trained = () -> Map.of("W1", NdArray.f64(mlp.w1, IrisData.FEATURES, hidden),
                "b1", NdArray.f64(mlp.b1, hidden), "W2", NdArray.f64(mlp.w2, hidden, IrisData.CLASSES),
                "b2", NdArray.f64(mlp.b2, IrisData.CLASSES), "loss_curve", NdArray.f64(lossCurve, epochs));
        run.phase("train", 1, train::run, trained);

        int[] testPred = new int[data.testRows()];
        run.phase("infer_single", data.testRows(), () -> {
            for (int i = 0; i < testPred.length; i++) {
                testPred[i] = mlp.predictOne(data.testX(), i);
            }
        });
        double[] proba = new double[data.testRows() * IrisData.CLASSES];
        Supplier<Map<String, NdArray>> predicted = () -> Map.of("test_pred", NdArray.labels(testPred),
                "test_proba", NdArray.f64(proba, data.testRows(), IrisData.CLASSES));
        run.phase("infer_batch", 1, () -> mlp.predictBatch(data.testX(), data.testRows(), proba, testPred), predicted);
        int[] trainPred = new int[data.trainRows()];
        for (int i = 0; i < trainPred.length; i++) {
            trainPred[i] = mlp.predictOne(data.trainX(), i);
        }

        run.manifest("dtype", mlp.w1.getClass().getComponentType() == double.class ? "f64" : "f32");
        run.metric("train_accuracy", IrisData.accuracy(trainPred, data.trainY()));
        run.metric("test_accuracy", IrisData.accuracy(testPred, data.testY()));
        run.outputs(trained.get());
        run.output("train_x", data.trainMatrix());
        run.output("train_pred", NdArray.labels(trainPred));
        run.outputs(predicted.get());
    }
}
