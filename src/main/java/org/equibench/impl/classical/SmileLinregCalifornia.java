package org.equibench.impl.classical;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.bytedeco.openblas.global.openblas;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.LinregCaliforniaTask;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.regression.LinearModel;
import smile.regression.OLS;

/**
 * {@code java/smile} for linreg-california: Smile's {@link OLS}, {@code OLS.fit(formula, data, "qr", false, false)}.
 * <p>
 * The formula {@code MedHouseVal ~ .} takes every other column as a predictor and adds Smile's intercept column of
 * ones to the design matrix; OLS.fit factors that n × (p + 1) matrix by LAPACK's Householder QR ({@code dgeqrf},
 * OpenBLAS through bytedeco's JavaCPP presets) and solves the least-squares problem with it (Smile's default
 * method, "qr"). Standard errors and the recursive-update matrix are off (they would add a Cholesky inverse that
 * scikit-learn does not compute). The design is not centred, unlike scikit-learn's: same OLS solution, other
 * round-off. The fitted {@code LinearModel} also computes its fitted values, residuals, R² and F statistic on the
 * training rows (Smile does that in the model's constructor).
 * <p>
 * Native BLAS/LAPACK threads: OpenBLAS reads OPENBLAS_NUM_THREADS (set by the harness); the row also sets
 * {@code blas_set_num_threads} to the spec's threads and reads it back.
 */
public final class SmileLinregCalifornia implements JavaImplementation {

    @Override
    public String task() {
        return "linreg-california";
    }

    @Override
    public String id() {
        return "java/smile";
    }

    /**
     * What {@code load} produces: the table in split order, and Smile's form of it: a train and a test
     * {@link DataFrame} with the CSV's column names (target included), and the test rows as tuples for the
     * single-row predictions.
     */
    private record Loaded(SplitTable table, DataFrame train, DataFrame test, Tuple[] single) {
        static Loaded of(RunSpec spec, LinregCaliforniaTask.Params params) throws Exception {
            SplitTable t = SplitTable.load(spec, params.nTrain(), params.singleRows(),
                    TribuoLinregCalifornia.COLUMNS, SplitTable.REGRESSION);
            String[] names = TribuoLinregCalifornia.COLUMNS.toArray(String[]::new);
            DataFrame train = DataFrame.of(rows(t.trainX(), t.trainY(), t.features()), names);
            DataFrame test = DataFrame.of(rows(t.testX(), t.testY(), t.features()), names);
            Tuple[] single = new Tuple[params.singleRows()];
            for (int i = 0; i < single.length; i++) {
                single[i] = test.get(i);
            }
            return new Loaded(t, train, test, single);
        }

        /** Row arrays of the features followed by the target. */
        private static double[][] rows(double[] x, double[] y, int p) {
            double[][] rows = new double[y.length][p + 1];
            for (int i = 0; i < y.length; i++) {
                System.arraycopy(x, i * p, rows[i], 0, p);
                rows[i][p] = y[i];
            }
            return rows;
        }
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        LinregCaliforniaTask.Params p = ClassicalSpecs.linregParams(run, "the formula adds Smile's intercept column");
        int singleRows = p.singleRows();
        openblas.blas_set_num_threads(spec.threads());

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, p));
        Loaded data = loaded[0];
        SplitTable table = data.table();

        Formula formula = Formula.lhs(TribuoLinregCalifornia.COLUMNS.get(table.features()));
        String method = "qr";
        LinearModel[] fitted = new LinearModel[1];
        Supplier<Map<String, NdArray>> coefficients = () -> Map.of(
                "coef", NdArray.f64(fitted[0].coefficients(), table.features()),
                "intercept", NdArray.f64(new double[] {fitted[0].intercept()}, 1));
        run.phase("fit", 1, () -> fitted[0] = OLS.fit(formula, data.train(), method, false, false), coefficients);
        LinearModel model = fitted[0];
        List<String> predictors = List.of(model.schema().names());
        ClassicalSpecs.require(predictors.equals(table.featureNames()),
                "Smile's formula took the predictors " + predictors + ", not the task's " + table.featureNames());

        double[][] batch = new double[1][];
        run.phase("predict_batch", 1, () -> batch[0] = model.predict(data.test()),
                () -> Map.of("test_pred", NdArray.f64(batch[0], batch[0].length)));
        double[] testPred = batch[0];
        double[] singlePred = new double[singleRows];
        run.phase("predict_single", singleRows, () -> {
            for (int i = 0; i < singleRows; i++) {
                singlePred[i] = model.predict(data.single()[i]);
            }
        });

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("formula", model.formula().toString());
        settings.put("method", method);
        settings.put("stderr", model.ttest() != null);
        settings.put("recursive", model.online());
        SmileSupport.report(run, settings);
        // LinearModel's own test of an intercept: the design matrix's first column is Smile's "Intercept"
        run.hyperparameter("fit_intercept", formula.matrix(data.train()).colNames()[0].equals("Intercept"));
        run.hyperparameter("solver", "Householder QR least squares (LAPACK dgeqrf through OpenBLAS) on the design with an "
                + "intercept column (Smile OLS, method qr)");
        run.manifest("blas", openblas.OPENBLAS_VERSION.trim() + " (bytedeco JavaCPP presets)");
        run.manifest("threads.compute", openblas.blas_get_num_threads());
        run.threadKnob("openblas.blas_get_num_threads", openblas.blas_get_num_threads());
        run.library("openblas (bytedeco)", openblas.OPENBLAS_VERSION.trim());
        TribuoSupport.noteSingleVsBatch(run, singlePred, testPred);
        ClassicalMetrics.regression(run, testPred, table.testY());
        run.outputs(coefficients.get());
        run.output("test_pred", NdArray.f64(testPred, testPred.length));
    }
}
