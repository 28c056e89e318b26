package org.equibench.impl.classical;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.measure.PhaseMeter;
import org.equibench.protocol.RunSpec;
import org.equibench.task.LinregCaliforniaTask;
import org.tribuo.Example;
import org.tribuo.ImmutableFeatureMap;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.math.la.DenseVector;
import org.tribuo.math.la.SparseVector;
import org.tribuo.math.la.Tensor;
import org.tribuo.math.la.VectorTuple;
import org.tribuo.regression.RegressionFactory;
import org.tribuo.regression.Regressor;
import org.tribuo.regression.slm.SLMTrainer;
import org.tribuo.regression.slm.SparseLinearModel;
import org.tribuo.regression.slm.protos.SparseLinearModelProto;

/**
 * {@code java/tribuo} for linreg-california: exact ordinary least squares with intercept through Tribuo's
 * {@link SLMTrainer} with {@code normalize = true} and no limit on the number of features.
 * <p>
 * SLMTrainer is forward selection: it adds the feature most correlated with the residual and re-solves
 * least squares on the selected set (normal equations, LU inverse), until all 8 features are in; the last
 * solve is the OLS fit on every feature. With {@code normalize = true} it centres every feature and divides
 * it by the L2 norm of the centred column, and centres the target and divides it by its centred L2 norm; no
 * bias feature is added, the centring takes the intercept's place. The model keeps those means and norms and
 * undoes them when it predicts. (With {@code normalize = false} it appends a bias column instead, but still
 * selects only as many columns as there are features, so one column of the 9 is left out: not OLS.)
 * <p>
 * The coefficients on the raw feature scale, comparable with scikit-learn's {@code coef_} and
 * {@code intercept_}, are recovered from the fitted model's own parameters (its weights, and the means and
 * norms from its protobuf serialisation, Tribuo's public form of a model): {@code coef_j = yNorm · w_j /
 * norm_j} and {@code intercept = yMean − Σ_j coef_j · mean_j}. The test predictions are Tribuo's own.
 */
public final class TribuoLinregCalifornia implements JavaImplementation {
    static final List<String> COLUMNS = List.of("MedInc", "HouseAge", "AveRooms", "AveBedrms", "Population",
            "AveOccup", "Latitude", "Longitude", "MedHouseVal");
    private static final String TARGET = COLUMNS.get(COLUMNS.size() - 1);

    @Override
    public String task() {
        return "linreg-california";
    }

    @Override
    public String id() {
        return "java/tribuo";
    }

    /**
     * What {@code load} produces: the table in split order, and Tribuo's form of it, which a Tribuo user
     * must build before training or predicting: one {@code ArrayExample} per row (features named after the
     * CSV columns, the target as a {@code Regressor}) and the training {@code MutableDataset}.
     */
    private record Loaded(SplitTable table, MutableDataset<Regressor> train, List<Example<Regressor>> test) {
        static Loaded of(RunSpec spec, LinregCaliforniaTask.Params params) throws Exception {
            SplitTable t = SplitTable.load(spec, params.nTrain(), params.singleRows(), COLUMNS, SplitTable.REGRESSION);
            String[] names = t.featureNames().toArray(String[]::new);
            RegressionFactory factory = new RegressionFactory();
            List<Example<Regressor>> train = TribuoSupport.examples(t.trainX(), t.trainRows(), names,
                    r -> new Regressor(TARGET, t.trainY()[r]));
            List<Example<Regressor>> test = TribuoSupport.examples(t.testX(), t.testRows(), names,
                    r -> new Regressor(TARGET, t.testY()[r]));
            return new Loaded(t, TribuoSupport.dataset("linreg-california train rows", factory, train), test);
        }
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        LinregCaliforniaTask.Params p = ClassicalSpecs.linregParams(run, "SLMTrainer always fits an intercept (by centring)");
        int singleRows = p.singleRows();
        TribuoSupport.quietLogging();

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, p));
        Loaded data = loaded[0];
        SplitTable table = data.table();

        // normalize = true, maxNumFeatures = -1 (every feature): exact OLS with intercept, see the class comment.
        SLMTrainer trainer = new SLMTrainer(true, -1);
        SparseLinearModel[] fitted = new SparseLinearModel[1];
        // invocationCount 0: every repetition trains from the same trainer state (SLMTrainer draws no random numbers).
        PhaseMeter.Body fit = () -> fitted[0] = trainer.train(data.train(), Map.of(), 0);
        Supplier<Map<String, NdArray>> coefficients = () -> {
            try {
                double[][] raw = rawCoefficients(fitted[0], table.featureNames());
                return Map.of("coef", NdArray.f64(raw[0], table.features()), "intercept", NdArray.f64(raw[1], 1));
            } catch (Exception e) {
                throw new IllegalStateException("cannot read the model's coefficients: " + e.getMessage(), e);
            }
        };
        run.phase("fit", 1, fit::run, coefficients);
        SparseLinearModel model = fitted[0];

        double[] testPred = new double[table.testRows()];
        PhaseMeter.Body predictBatch = () -> {
            List<Prediction<Regressor>> predictions = model.predict(data.test());
            for (int i = 0; i < testPred.length; i++) {
                testPred[i] = value(predictions.get(i));
            }
        };
        run.phase("predict_batch", 1, predictBatch::run, () -> Map.of("test_pred", NdArray.f64(testPred, testPred.length)));
        double[] singlePred = new double[singleRows];
        run.phase("predict_single", singleRows, () -> {
            for (int i = 0; i < singleRows; i++) {
                singlePred[i] = value(model.predict(data.test().get(i)));
            }
        });

        TribuoSupport.report(run, model);
        // normalize=true centres features and target, so the recovered model has an intercept
        run.hyperparameter("fit_intercept", Boolean.parseBoolean(TribuoSupport.setting(model, "normalize")));
        run.hyperparameter("solver", "normal equations (LU), features added one at a time until all are in (SLMTrainer)");
        run.manifest("threads.compute", 1);
        TribuoSupport.noteSingleThreaded(run, "SLMTrainer");
        // protobuf: Tribuo's serialisation format, read here for the model's normalisation parameters
        run.library("protobuf-java", TribuoSupport.manifestAttribute(com.google.protobuf.Any.class, "Bundle-Version"));
        run.note("coef and intercept recovered on the raw feature scale from the model's weights and its "
                + "feature/target means and norms (SLMTrainer normalize=true: no bias feature; features and "
                + "target centred and divided by their centred L2 norms)");
        TribuoSupport.noteSingleVsBatch(run, singlePred, testPred);

        double sse = 0;
        double mean = 0;
        for (double y : table.testY()) {
            mean += y;
        }
        mean /= table.testRows();
        double sst = 0;
        for (int i = 0; i < testPred.length; i++) {
            double r = testPred[i] - table.testY()[i];
            sse += r * r;
            double dev = table.testY()[i] - mean;
            sst += dev * dev;
        }
        run.metric("r2", 1.0 - sse / sst);
        run.metric("rmse", Math.sqrt(sse / testPred.length));
        run.outputs(coefficients.get());
        run.output("test_pred", NdArray.f64(testPred, testPred.length));
    }

    private static double value(Prediction<Regressor> p) {
        return p.getOutput().getDimension(TARGET).orElseThrow().getValue();
    }

    /**
     * {coef (in the order of {@code featureNames}), {intercept}} on the raw scale, from the model's weights
     * (indexed by Tribuo's feature ids, which sort the names) and the normalisation it stored.
     */
    static double[][] rawCoefficients(SparseLinearModel model, List<String> featureNames) throws Exception {
        SparseLinearModelProto proto = model.serialize().getSerializedData().unpack(SparseLinearModelProto.class);
        if (proto.getBias()) {
            throw new IllegalStateException("the SLM model has a bias feature; this row trains with normalize = true");
        }
        DenseVector means = (DenseVector) Tensor.deserialize(proto.getFeatureMeans());
        DenseVector norms = (DenseVector) Tensor.deserialize(proto.getFeatureNorms());
        double yMean = proto.getYMean(0);
        double yNorm = proto.getYNorm(0);
        SparseVector w = model.getWeights().get(TARGET);
        ImmutableFeatureMap ids = model.getFeatureIDMap();
        if (w.numActiveElements() != featureNames.size()) {
            // forward selection stops early when the selected columns' normal matrix is singular
            throw new IllegalStateException("SLMTrainer selected " + w.numActiveElements() + " of " + featureNames.size()
                    + " features: not the OLS fit on all of them");
        }
        double[] coef = new double[featureNames.size()];
        double[] featureMean = new double[featureNames.size()];
        for (VectorTuple t : w) {
            int col = featureNames.indexOf(ids.get(t.index).getName());
            coef[col] = yNorm * t.value / norms.get(t.index);
            featureMean[col] = means.get(t.index);
        }
        double intercept = yMean;
        for (int j = 0; j < coef.length; j++) {
            intercept -= coef[j] * featureMean[j];
        }
        return new double[][] {coef, {intercept}};
    }
}
