package org.equibench.impl.classical;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import libsvm.svm;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.measure.PhaseMeter;
import org.equibench.protocol.RunSpec;
import org.equibench.task.SvmDigitsTask;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Prediction;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.libsvm.LibSVMClassificationTrainer;
import org.tribuo.classification.libsvm.SVMClassificationType;
import org.tribuo.common.libsvm.KernelType;
import org.tribuo.common.libsvm.LibSVMModel;
import org.tribuo.common.libsvm.SVMParameters;

/**
 * {@code java/tribuo} for svm-digits: Tribuo's LibSVM trainer, a C-SVC with a linear kernel. It hands the
 * whole multi-class problem to one {@code svm.svm_train} call, so the classes are combined by libsvm itself,
 * one-vs-one with voting, as in scikit-learn's {@code SVC}.
 * <p>
 * Settings, against scikit-learn's {@code SVC(kernel='linear', C=1, tol=1e-3)}:
 * <ul>
 *   <li>C = params.C ({@code setCost});</li>
 *   <li>stopping tolerance: libsvm's {@code eps} = params.tol, set on the {@code svm_parameter} itself, because
 *       {@code SVMParameters.setEpsilon} sets {@code p}, the epsilon of epsilon-SVR, not the tolerance;</li>
 *   <li>shrinking on (Tribuo's default, scikit-learn's {@code shrinking=True}); no probability estimates;</li>
 *   <li>kernel cache 200 MB, scikit-learn's {@code cache_size} default (Tribuo's default is 500 MB);</li>
 *   <li>no class weights; gamma, degree and coef0 do not enter a linear kernel;</li>
 *   <li>the seed (Tribuo's default) only seeds libsvm's random numbers, which only probability estimates use.</li>
 * </ul>
 * libsvm orders the classes by their first appearance in the training rows, where scikit-learn's bundled libsvm
 * sorts them, and an exact one-vs-one vote tie goes to the class that comes first. So the training rows are
 * handed to Tribuo stably sorted by class: libsvm groups rows by class before solving anyway, so this changes
 * nothing but the class order, which then is scikit-learn's (measured: 4 of 360 test predictions differed,
 * all exact vote ties, before this; none after).
 */
public final class TribuoSvmDigits implements JavaImplementation {
    static final int CLASSES = 10;
    static final List<String> COLUMNS;
    /** libsvm's own report of each pairwise solve, printed through its print hook. */
    private static final Pattern SOLVER_ITERATIONS = Pattern.compile("#iter = (\\d+)");

    static {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            columns.add("p" + i);
        }
        columns.add("digit");
        COLUMNS = List.copyOf(columns);
    }

    @Override
    public String task() {
        return "svm-digits";
    }

    @Override
    public String id() {
        return "java/tribuo";
    }

    /**
     * What {@code load} produces: the table in split order, and Tribuo's form of it, which a Tribuo user
     * must build before training or predicting: one {@code ArrayExample} per row (the 64 pixels as features
     * named after the CSV columns, the digit as a {@code Label} named "0".."9") and the training
     * {@code MutableDataset}.
     */
    private record Loaded(SplitTable table, MutableDataset<Label> train, List<Example<Label>> test) {
        static Loaded of(RunSpec spec, SvmDigitsTask.Params params) throws Exception {
            SplitTable t = SplitTable.load(spec, params.nTrain(), params.singleRows(), COLUMNS, CLASSES);
            String[] names = t.featureNames().toArray(String[]::new);
            int[] trainY = SplitTable.classes(t.trainY());
            int[] testY = SplitTable.classes(t.testY());
            List<Example<Label>> train = TribuoSupport.examples(t.trainX(), t.trainRows(), names,
                    r -> new Label(String.valueOf(trainY[r])));
            List<Example<Label>> test = TribuoSupport.examples(t.testX(), t.testRows(), names,
                    r -> new Label(String.valueOf(testY[r])));
            // stable sort by class: libsvm's class order (the vote tie-break) becomes scikit-learn's sorted order
            train.sort(java.util.Comparator.comparingInt(e -> Integer.parseInt(e.getOutput().getLabel())));
            return new Loaded(t, TribuoSupport.dataset("svm-digits train rows", new LabelFactory(), train), test);
        }
    }

    @Override
    public void run(JavaRun run) throws Exception {
        RunSpec spec = run.spec();
        ClassicalSpecs.check(spec, List.of("data", "split"));
        SvmDigitsTask.Params p = run.params(SvmDigitsTask.Params.class);
        double c = ClassicalSpecs.positive("C", p.c());
        double tol = ClassicalSpecs.positive("tol", p.tol());
        String kernel = p.kernel();
        ClassicalSpecs.require(kernel.equals("linear"), "params.kernel must be 'linear', got '" + kernel + "'");
        int singleRows = p.singleRows();
        TribuoSupport.quietLogging();
        long[] solverIterations = new long[1];
        // libsvm prints a progress mark and a summary of every pairwise solve to stdout: kept off stdout here,
        // and the iteration counts are read from the summaries.
        svm.svm_set_print_string_function(text -> {
            Matcher m = SOLVER_ITERATIONS.matcher(text);
            while (m.find()) {
                solverIterations[0] += Long.parseLong(m.group(1));
            }
        });

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, p));
        Loaded data = loaded[0];
        SplitTable table = data.table();

        SVMParameters<Label> params = new SVMParameters<>(
                new SVMClassificationType(SVMClassificationType.SVMMode.C_SVC), KernelType.LINEAR);
        params.setCost(c);
        params.getParameters().eps = tol;
        params.setCacheSize(200);
        LibSVMClassificationTrainer trainer = new LibSVMClassificationTrainer(params);

        @SuppressWarnings("unchecked")
        Model<Label>[] fitted = new Model[1];
        PhaseMeter.Body fit = () -> {
            solverIterations[0] = 0;
            // invocationCount 0: every repetition starts from the same trainer (and libsvm RNG) state
            fitted[0] = trainer.train(data.train(), Map.of(), 0);
        };
        run.phase("fit", 1, fit);
        Model<Label> model = fitted[0];
        long iterations = solverIterations[0];

        int[] testPred = new int[table.testRows()];
        @SuppressWarnings("unchecked")
        List<Prediction<Label>>[] batch = new List[1];
        PhaseMeter.Body predictBatch = () -> {
            batch[0] = model.predict(data.test());
            digits(batch[0], testPred);
        };
        run.phase("predict_batch", 1, predictBatch, () -> Map.of("test_pred", NdArray.labels(testPred)));
        int[] singlePred = new int[singleRows];
        run.phase("predict_single", singleRows, () -> {
            for (int i = 0; i < singleRows; i++) {
                singlePred[i] = digit(model.predict(data.test().get(i)));
            }
        });
        // the training rows were handed to Tribuo sorted by class: score each against its own example's label
        List<Prediction<Label>> trainPredictions = model.predict(data.train());
        long trainHits = trainPredictions.stream()
                .filter(pred -> pred.getOutput().getLabel().equals(pred.getExample().getOutput().getLabel())).count();

        TribuoSupport.report(run, model);
        run.hyperparameter("C", Double.parseDouble(TribuoSupport.setting(model, "cost")));
        run.hyperparameter("tol", Double.parseDouble(TribuoSupport.setting(model, "eps")));
        run.hyperparameter("kernel", TribuoSupport.setting(model, "kernelType").toLowerCase(java.util.Locale.ROOT));
        run.hyperparameter("multiclass", "ovo"); // libsvm's own pairwise scheme for C_SVC
        run.hyperparameter("solver", "libsvm smo");
        run.manifest("threads.compute", 1);
        run.library("libsvm", String.format("%d.%02d", svm.LIBSVM_VERSION / 100, svm.LIBSVM_VERSION % 100));
        TribuoSupport.noteSingleThreaded(run, "libsvm");
        TribuoSupport.noteSingleVsBatch(run, asDoubles(singlePred), asDoubles(testPred));
        run.note("libsvm orders the classes by first appearance in the training rows, here " + classOrder(model)
                + " (training rows handed over sorted by class, as scikit-learn's libsvm sorts classes); a one-vs-one "
                + "vote tie goes to the class first in that order: " + voteTies(batch[0]) + " of " + testPred.length
                + " test rows are vote ties");
        run.metric("test_accuracy", accuracy(testPred, SplitTable.classes(table.testY())));
        run.metric("train_accuracy", (double) trainHits / trainPredictions.size());
        // libsvm's iterations, summed over the 45 pairwise problems (as scikit-learn's n_iter_ sums them)
        run.metric("n_iter", iterations);
        run.output("test_pred", NdArray.labels(testPred));
    }

    /** The predicted digit: Tribuo's label name, one of "0".."9", back to an int. */
    private static int digit(Prediction<Label> p) {
        return Integer.parseInt(p.getOutput().getLabel());
    }

    private static void digits(List<Prediction<Label>> predictions, int[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = digit(predictions.get(i));
        }
    }

    /** The classes in libsvm's internal order, as digits. */
    private static List<Integer> classOrder(Model<Label> model) {
        List<Integer> order = new ArrayList<>();
        for (int id : ((LibSVMModel<Label>) model).getInnerModels().get(0).label) {
            order.add(Integer.parseInt(model.getOutputIDInfo().getOutput(id).getLabel()));
        }
        return order;
    }

    /** Predictions whose highest one-vs-one vote count is shared by two or more classes. */
    private static int voteTies(List<Prediction<Label>> predictions) {
        int ties = 0;
        for (Prediction<Label> p : predictions) {
            double best = p.getOutput().getScore();
            long top = p.getOutputScores().values().stream().filter(l -> l.getScore() == best).count();
            if (top > 1) {
                ties++;
            }
        }
        return ties;
    }

    private static double accuracy(int[] predicted, int[] actual) {
        int hits = 0;
        for (int i = 0; i < actual.length; i++) {
            if (predicted[i] == actual[i]) {
                hits++;
            }
        }
        return (double) hits / actual.length;
    }

    private static double[] asDoubles(int[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }
}
