package org.equibench.impl.classical;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Supplier;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.LinregCaliforniaTask;

/**
 * {@code java/pure} for linreg-california: ordinary least squares with intercept in plain Java on {@code double[]}
 * (no library), by the method linfa's {@code LinearRegression} uses: one Householder QR least-squares solve.
 * <p>
 * As scikit-learn does around its LAPACK call, X and y are centred (column means subtracted) and the intercept is
 * {@code mean(y) − mean(X) · coef}. The rows are taken 256 at a time, centred and laid out column by column under
 * the R (and Qᵀy) of the rows before them, and that stack is factorised (a tall-skinny QR): each pass then runs
 * over contiguous columns that stay in the L1 cache, and the data is read once. For column j, the reflector that
 * zeroes the column below the diagonal is formed in place, then every later column and the target lose their
 * component along it. The coefficients come from back substitution. The dot products keep four partial sums (the
 * JIT does not reorder a floating-point sum itself), so they round differently from a one-by-one sum; QR in any
 * order agrees with the reference to round-off on this design.
 */
public final class PureJavaLinregCalifornia implements JavaImplementation {

    @Override
    public String task() {
        return "linreg-california";
    }

    @Override
    public String id() {
        return "java/pure";
    }

    /** A fitted model: the coefficients and the intercept. */
    record Fit(double[] coef, double intercept) {
        double predict(double[] x, int offset) {
            double s = intercept;
            for (int j = 0; j < coef.length; j++) {
                s += x[offset + j] * coef[j];
            }
            return s;
        }
    }

    /** Rows taken into the factorisation at a time: the block and R, column by column, stay in the L1 cache. */
    static final int BLOCK = 256;

    /**
     * Centres X (n × p, row-major) and y, factorises the centred [X | y] by Householder QR a block of rows at a time,
     * solves R·coef = (Qᵀy)[0, p) by back substitution and recovers the intercept.
     */
    static Fit fit(double[] x, double[] y, int n, int p) {
        double[] xMean = new double[p];
        double yMean = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0, o = i * p; j < p; j++) {
                xMean[j] += x[o + j];
            }
            yMean += y[i];
        }
        for (int j = 0; j < p; j++) {
            xMean[j] /= n;
        }
        yMean /= n;
        // [R | Qᵀy] of the rows so far on top (p rows), then the next block of centred rows, column by column, each
        // its own array (the JIT vectorises a reflection only between arrays it cannot see overlap); the target is
        // column p
        double[][] a = new double[p + 1][p + BLOCK];
        double[] diagonal = new double[p];
        for (int start = 0; start < n; start += BLOCK) {
            int rows = Math.min(BLOCK, n - start);
            restack(a, diagonal, p);
            for (int r = 0; r < rows; r++) {
                int i = start + r;
                for (int j = 0, o = i * p; j < p; j++) {
                    a[j][p + r] = x[o + j] - xMean[j];
                }
                a[p][p + r] = y[i] - yMean;
            }
            householder(a, diagonal, p + rows, p);
        }
        // numpy's lstsq cut-off (rcond = eps · max(n, p), relative to the largest), on R's diagonal
        double largest = 0;
        for (double d : diagonal) {
            largest = Math.max(largest, Math.abs(d));
        }
        double cutOff = Math.ulp(1.0) * Math.max(n, p) * largest;
        double[] coef = new double[p];
        for (int j = p - 1; j >= 0; j--) {
            if (!(Math.abs(diagonal[j]) > cutOff)) {
                throw new IllegalStateException("column " + j + " of the centred design is linearly dependent on the ones before it "
                        + "(|R[" + j + "][" + j + "]| = " + Math.abs(diagonal[j]) + ", at most eps·max(n, p)·max|R[i][i]|)");
            }
            double s = a[p][j];
            for (int c = j + 1; c < p; c++) {
                s -= a[c][j] * coef[c];
            }
            coef[j] = s / diagonal[j];
        }
        double intercept = yMean;
        for (int j = 0; j < p; j++) {
            intercept -= xMean[j] * coef[j];
        }
        return new Fit(coef, intercept);
    }

    /**
     * Turns the factorised stack back into its top p rows [R | Qᵀy]: R's diagonal back on it, the reflectors below
     * it cleared. A stack of R over the next rows factorises as all the rows so far would (R is those rows' Qᵀ).
     */
    private static void restack(double[][] a, double[] diagonal, int p) {
        for (int j = 0; j < p; j++) {
            Arrays.fill(a[j], j + 1, a[j].length, 0.0);
            a[j][j] = diagonal[j];
        }
        Arrays.fill(a[p], p, a[p].length, 0.0);
    }

    /**
     * Householder QR of the first {@code rows} rows of the columns {@code a} (p columns, then the target column p)
     * in place: afterwards R's strictly upper part is in {@code a}'s upper triangle, its diagonal in
     * {@code diagonal}, the reflectors below it, and the target column holds Qᵀy. A column with nothing left on and
     * below the diagonal is not reflected (its diagonal stays 0; later rows may still fill it).
     */
    static void householder(double[][] a, double[] diagonal, int rows, int p) {
        for (int j = 0; j < p; j++) {
            double[] v = a[j];
            double norm2 = dot(v, v, j, rows - j);
            if (norm2 == 0) {
                diagonal[j] = 0;
                continue;
            }
            double head = v[j];
            double alpha = head > 0 ? -Math.sqrt(norm2) : Math.sqrt(norm2); // the sign that avoids cancellation
            v[j] = head - alpha; // v = (head − alpha, rest of the column)
            double tau = 1 / (norm2 - head * alpha); // 2 / vᵀv, as vᵀv = 2 (norm2 − head·alpha)
            for (int c = j + 1; c <= p; c++) {
                reflect(v, a[c], j, rows - j, tau);
            }
            diagonal[j] = alpha;
        }
    }

    /** {@code w ← w − τ (vᵀw) v} over {@code length} entries from {@code from}. */
    private static void reflect(double[] v, double[] w, int from, int length, double tau) {
        double s = tau * dot(v, w, from, length);
        for (int i = from, end = from + length; i < end; i++) {
            w[i] -= s * v[i];
        }
    }

    /** uᵀv over {@code length} entries from {@code from}, in four partial sums: four additions in flight, not one. */
    static double dot(double[] u, double[] v, int from, int length) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = from;
        int end = from + length;
        for (; i + 3 < end; i += 4) {
            s0 += u[i] * v[i];
            s1 += u[i + 1] * v[i + 1];
            s2 += u[i + 2] * v[i + 2];
            s3 += u[i + 3] * v[i + 3];
        }
        for (; i < end; i++) {
            s0 += u[i] * v[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        LinregCaliforniaTask.Params p = ClassicalSpecs.linregParams(run, "this row fits the intercept by centring, as scikit-learn does");
        int singleRows = p.singleRows();

        SplitTable[] loaded = new SplitTable[1];
        run.phase("load", 1, () -> loaded[0] = SplitTable.load(spec, p.nTrain(), singleRows,
                TribuoLinregCalifornia.COLUMNS, SplitTable.REGRESSION));
        SplitTable table = loaded[0];
        int features = table.features();

        Fit[] fitted = new Fit[1];
        Supplier<Map<String, NdArray>> coefficients = () -> Map.of(
                "coef", NdArray.f64(fitted[0].coef().clone(), features),
                "intercept", NdArray.f64(new double[] {fitted[0].intercept()}, 1));
        run.phase("fit", 1, () -> fitted[0] = fit(table.trainX(), table.trainY(), table.trainRows(), features), coefficients);
        Fit model = fitted[0];

        double[] testPred = new double[table.testRows()];
        run.phase("predict_batch", 1, () -> {
            for (int i = 0; i < testPred.length; i++) {
                testPred[i] = model.predict(table.testX(), i * features);
            }
        }, () -> Map.of("test_pred", NdArray.f64(testPred, testPred.length)));
        double[] singlePred = new double[singleRows];
        run.phase("predict_single", singleRows, () -> {
            for (int i = 0; i < singleRows; i++) {
                singlePred[i] = model.predict(table.testX(), i * features);
            }
        });

        run.framework("plain Java (double[] loops)", System.getProperty("java.version"));
        run.hyperparameter("fit_intercept", true);
        run.hyperparameter("solver", "Householder QR least squares on centred X and y (plain Java, column-major)");
        run.manifest("dtype", "f64");
        run.manifest("threads.compute", 1); // plain loops on the calling thread, no pool
        run.note("one Householder QR least-squares solve of the centred design in plain Java (linfa's method), "
                + "intercept recovered as mean(y) − mean(X)·coef, as scikit-learn's LinearRegression does around its LAPACK call");
        TribuoSupport.noteSingleVsBatch(run, singlePred, testPred);

        ClassicalMetrics.regression(run, testPred, table.testY());
        run.outputs(coefficients.get());
        run.output("test_pred", NdArray.f64(testPred, testPred.length));
    }
}
