package org.equibench.impl.classical;

import java.util.Map;
import java.util.function.Supplier;
import org.ejml.EjmlVersion;
import org.ejml.concurrency.EjmlConcurrency;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.LinearSolverFactory_DDRM;
import org.ejml.interfaces.linsol.LinearSolverDense;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.LinregCaliforniaTask;

/**
 * {@code java/ejml} for linreg-california: ordinary least squares with intercept as scikit-learn's
 * {@code LinearRegression} computes it, with EJML's dense row-major solvers in place of LAPACK.
 * <p>
 * scikit-learn centres X and y (subtracts the column means), solves the centred least-squares problem in one
 * LAPACK call ({@code scipy.linalg.lstsq}, SVD-based gelsd) and sets {@code intercept = mean(y) − mean(X) · coef}.
 * This row does the same with one Householder QR least-squares solve instead of the SVD:
 * {@link LinearSolverFactory_DDRM#leastSquares} (for 8 columns EJML's column-oriented Householder QR,
 * {@code LinearSolverQrHouseCol_DDRM}), {@code setA} on the centred n × p matrix, {@code solve} for the centred
 * target. Centring keeps the columns' scales (Population in the thousands beside an intercept column of ones)
 * out of the factorisation, as in scikit-learn. Predictions are {@code X · coef + intercept} by
 * {@link CommonOps_DDRM#mult}. Everything in f64, on the calling thread (EJML's concurrent variants switched off).
 */
public final class EjmlLinregCalifornia implements JavaImplementation {

    @Override
    public String task() {
        return "linreg-california";
    }

    @Override
    public String id() {
        return "java/ejml";
    }

    /**
     * What {@code load} produces: the table in split order, and EJML's form of it: the train and test features
     * as row-major {@link DMatrixRMaj} (wrapping the table's arrays, no copy), the train target as an n × 1
     * matrix, and one 1 × p matrix per single-row prediction.
     */
    private record Loaded(SplitTable table, DMatrixRMaj trainX, DMatrixRMaj trainY, DMatrixRMaj testX, DMatrixRMaj[] single) {
        static Loaded of(RunSpec spec, LinregCaliforniaTask.Params params) throws Exception {
            SplitTable t = SplitTable.load(spec, params.nTrain(), params.singleRows(),
                    TribuoLinregCalifornia.COLUMNS, SplitTable.REGRESSION);
            int p = t.features();
            DMatrixRMaj[] single = new DMatrixRMaj[params.singleRows()];
            for (int i = 0; i < single.length; i++) {
                single[i] = new DMatrixRMaj(1, p);
                System.arraycopy(t.testX(), i * p, single[i].data, 0, p);
            }
            return new Loaded(t, DMatrixRMaj.wrap(t.trainRows(), p, t.trainX()), DMatrixRMaj.wrap(t.trainRows(), 1, t.trainY()),
                    DMatrixRMaj.wrap(t.testRows(), p, t.testX()), single);
        }
    }

    /** A fitted model: the coefficients (p × 1) and the intercept, and the solver that produced them. */
    record Fit(DMatrixRMaj coef, double intercept, LinearSolverDense<DMatrixRMaj> solver) {
    }

    /** Centres X and y, solves the centred problem by one Householder QR least-squares solve, recovers the intercept. */
    static Fit fit(DMatrixRMaj x, DMatrixRMaj y) {
        int n = x.numRows;
        int p = x.numCols;
        double[] xMean = new double[p];
        double yMean = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                xMean[j] += x.data[i * p + j];
            }
            yMean += y.data[i];
        }
        for (int j = 0; j < p; j++) {
            xMean[j] /= n;
        }
        yMean /= n;
        DMatrixRMaj a = new DMatrixRMaj(n, p);
        DMatrixRMaj b = new DMatrixRMaj(n, 1);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < p; j++) {
                a.data[i * p + j] = x.data[i * p + j] - xMean[j];
            }
            b.data[i] = y.data[i] - yMean;
        }
        LinearSolverDense<DMatrixRMaj> solver = LinearSolverFactory_DDRM.leastSquares(n, p);
        if (!solver.setA(a)) {
            throw new IllegalStateException("EJML's QR decomposition of the centred " + n + " × " + p + " design failed");
        }
        DMatrixRMaj coef = new DMatrixRMaj(p, 1);
        solver.solve(b, coef);
        double intercept = yMean;
        for (int j = 0; j < p; j++) {
            intercept -= xMean[j] * coef.data[j];
        }
        return new Fit(coef, intercept, solver);
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        LinregCaliforniaTask.Params p = ClassicalSpecs.linregParams(run, "this row fits the intercept by centring, as scikit-learn does");
        int singleRows = p.singleRows();
        // EJML switches some operations to ForkJoin-parallel variants above a size threshold; off with 1 thread
        EjmlConcurrency.setMaxThreads(spec.threads());

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, p));
        Loaded data = loaded[0];
        SplitTable table = data.table();

        Fit[] fitted = new Fit[1];
        Supplier<Map<String, NdArray>> coefficients = () -> Map.of(
                "coef", NdArray.f64(fitted[0].coef().data.clone(), table.features()),
                "intercept", NdArray.f64(new double[] {fitted[0].intercept()}, 1));
        run.phase("fit", 1, () -> fitted[0] = fit(data.trainX(), data.trainY()), coefficients);
        Fit model = fitted[0];

        double[] testPred = new double[table.testRows()];
        DMatrixRMaj batch = DMatrixRMaj.wrap(testPred.length, 1, testPred);
        run.phase("predict_batch", 1, () -> {
            CommonOps_DDRM.mult(data.testX(), model.coef(), batch);
            CommonOps_DDRM.add(batch, model.intercept());
        }, () -> Map.of("test_pred", NdArray.f64(testPred, testPred.length)));
        double[] singlePred = new double[singleRows];
        DMatrixRMaj one = new DMatrixRMaj(1, 1);
        run.phase("predict_single", singleRows, () -> {
            for (int i = 0; i < singleRows; i++) {
                CommonOps_DDRM.mult(data.single()[i], model.coef(), one);
                singlePred[i] = one.data[0] + model.intercept();
            }
        });

        String solver = model.solver().getClass().getSimpleName();
        run.framework("EJML", EjmlVersion.VERSION);
        run.hyperparameters(Map.of("solver", solver, "centred", true, "licence", "Apache-2.0"));
        run.hyperparameter("fit_intercept", true);
        run.hyperparameter("solver", "Householder QR least squares on centred X and y (EJML " + solver + ")");
        run.manifest("dtype", "f64"); // DMatrixRMaj (the D of DDRM) holds double[]
        run.manifest("threads.compute", 1);
        run.threadKnob("ejml.EjmlConcurrency.USE_CONCURRENT", EjmlConcurrency.isUseConcurrent());
        run.threadKnob("ejml.EjmlConcurrency.maxThreads", EjmlConcurrency.getMaxThreads());
        run.note("one Householder QR least-squares solve (EJML " + solver + ") of the centred design, intercept "
                + "recovered as mean(y) − mean(X)·coef, as scikit-learn's LinearRegression does around its LAPACK call; "
                + "solver quality (EJML's conditioning measure of R) " + String.format("%.3g", model.solver().quality()));
        TribuoSupport.noteSingleVsBatch(run, singlePred, testPred);

        ClassicalMetrics.regression(run, testPred, table.testY());
        run.outputs(coefficients.get());
        run.output("test_pred", NdArray.f64(testPred, testPred.length));
    }
}
