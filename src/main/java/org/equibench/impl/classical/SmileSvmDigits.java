package org.equibench.impl.classical;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.equibench.data.NdArray;
import org.equibench.impl.core.JavaImplementation;
import org.equibench.impl.core.JavaRun;
import org.equibench.protocol.RunSpec;
import org.equibench.task.SvmDigitsTask;
import smile.classification.Classifier;
import smile.classification.SVM;
import smile.math.MathEx;

/**
 * {@code java/smile} for svm-digits: 45 binary linear SVMs of Smile, {@code SVM.fit(x, y, C, tol)}, one per pair
 * of classes on the rows of those two classes, and libsvm's one-vs-one vote, as the Rust rows build it.
 * <p>
 * Smile's binary linear SVM trains with LaSVM (Bordes et al.: an online SMO-like solver, one pass over the rows in a
 * random order, then a finishing step to tol), C for both classes, no shrinking or kernel cache settings; not
 * libsvm's SMO run to tol, so the row is compared at the level of the algorithm's result. The row order LaSVM visits
 * is drawn from Smile's thread-local random numbers, seeded with {@value #SEED} on the calling thread at the start
 * of every fit, so every repetition trains the same machines.
 * <p>
 * Smile's own {@code OneVersusOne} trains these 45 machines too, but in a parallel stream (the common ForkJoin pool,
 * sized by the machine's cores, whatever the spec's thread count, and the random numbers of whichever worker runs a
 * pair); so the pairs are trained here, in order, on the calling thread. The vote is libsvm's: for classes a &lt; b,
 * the machine is trained with a as +1 and votes a where its decision value is &gt; 0 (Smile's {@code predict} is +1
 * exactly there), b otherwise; most votes wins, the smallest class among ties. Smile's OneVersusOne votes the same
 * way but gives the vote to the larger class at a decision value of exactly 0.
 */
public final class SmileSvmDigits implements JavaImplementation {
    static final long SEED = 42;

    @Override
    public String task() {
        return "svm-digits";
    }

    @Override
    public String id() {
        return "java/smile";
    }

    /**
     * What {@code load} produces: the table in split order, and Smile's form of it: one {@code double[]} per row, the
     * digits as ints, and the training rows of every pair of classes (grouped once, as libsvm's svm_train groups them).
     */
    private record Loaded(SplitTable table, double[][] train, int[] trainY, double[][] test, int[] testY, List<Pair> pairs) {
        static Loaded of(RunSpec spec, SvmDigitsTask.Params params) throws Exception {
            SplitTable t = SplitTable.load(spec, params.nTrain(), params.singleRows(), TribuoSvmDigits.COLUMNS,
                    TribuoSvmDigits.CLASSES);
            double[][] train = SmileKmeansBlobs.rowsOf(t.trainX(), t.trainRows(), t.features());
            int[] trainY = SplitTable.classes(t.trainY());
            List<Pair> pairs = new ArrayList<>();
            for (int a = 0; a < TribuoSvmDigits.CLASSES; a++) {
                for (int b = a + 1; b < TribuoSvmDigits.CLASSES; b++) {
                    pairs.add(Pair.of(a, b, train, trainY));
                }
            }
            return new Loaded(t, train, trainY, SmileKmeansBlobs.rowsOf(t.testX(), t.testRows(), t.features()),
                    SplitTable.classes(t.testY()), pairs);
        }
    }

    /** The training rows of classes {@code a < b} in training order, labelled +1 for a and −1 for b. */
    private record Pair(int a, int b, double[][] x, int[] y) {
        static Pair of(int a, int b, double[][] rows, int[] classes) {
            List<double[]> x = new ArrayList<>();
            List<Integer> y = new ArrayList<>();
            for (int i = 0; i < rows.length; i++) {
                if (classes[i] == a || classes[i] == b) {
                    x.add(rows[i]);
                    y.add(classes[i] == a ? +1 : -1);
                }
            }
            return new Pair(a, b, x.toArray(double[][]::new), y.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    /** One binary machine: +1 votes for {@code a}. */
    record Machine(int a, int b, Classifier<double[]> svm) {
    }

    static List<Machine> fit(List<Pair> pairs, double c, double tol) {
        MathEx.setSeed(SEED);
        List<Machine> machines = new ArrayList<>(pairs.size());
        for (Pair pair : pairs) {
            machines.add(new Machine(pair.a(), pair.b(), SVM.fit(pair.x(), pair.y(), c, tol)));
        }
        return machines;
    }

    /** libsvm's vote: most votes wins, the smallest class among ties. */
    static int vote(List<Machine> machines, double[] x, int[] votes) {
        java.util.Arrays.fill(votes, 0);
        for (Machine m : machines) {
            votes[m.svm().predict(x) > 0 ? m.a() : m.b()]++;
        }
        int best = 0;
        for (int cls = 1; cls < votes.length; cls++) {
            if (votes[cls] > votes[best]) {
                best = cls;
            }
        }
        return best;
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

        Loaded[] loaded = new Loaded[1];
        run.phase("load", 1, () -> loaded[0] = Loaded.of(spec, p));
        Loaded data = loaded[0];
        SplitTable table = data.table();

        @SuppressWarnings("unchecked")
        List<Machine>[] fitted = new List[1];
        run.phase("fit", 1, () -> fitted[0] = fit(data.pairs(), c, tol));
        List<Machine> machines = fitted[0];

        int[] votes = new int[TribuoSvmDigits.CLASSES];
        int[] testPred = new int[table.testRows()];
        run.phase("predict_batch", 1, () -> {
            for (int i = 0; i < testPred.length; i++) {
                testPred[i] = vote(machines, data.test()[i], votes);
            }
        }, () -> Map.of("test_pred", NdArray.labels(testPred)));
        int[] singlePred = new int[singleRows];
        run.phase("predict_single", singleRows, () -> {
            for (int i = 0; i < singleRows; i++) {
                singlePred[i] = vote(machines, data.test()[i], votes);
            }
        });
        int[] trainPred = new int[data.train().length];
        for (int i = 0; i < trainPred.length; i++) {
            trainPred[i] = vote(machines, data.train()[i], votes);
        }

        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("binary", "smile.classification.SVM.fit(x, y, C, tol): LinearKernel, LASVM, epochs 1 (Smile's default)");
        settings.put("C", c);
        settings.put("tol", tol);
        settings.put("seed", SEED);
        settings.put("multiclass", "one-vs-one: 45 binary SVMs, each on the rows of its pair of classes; libsvm's vote "
                + "(most votes, smallest label among ties)");
        SmileSupport.report(run, settings);
        run.hyperparameter("C", c);
        run.hyperparameter("tol", tol);
        run.hyperparameter("kernel", kernel);
        run.hyperparameter("multiclass", machines.size() == data.pairs().size() ? "ovo" : machines.size() + " machines");
        run.hyperparameter("solver", "smile lasvm (1 epoch)");
        run.manifest("threads.compute", 1); // the 45 machines are trained in turn on the calling thread
        if (spec.threads() != 1) {
            run.note("the 45 pairwise SVMs train in turn on the calling thread; the spec asks for " + spec.threads()
                    + " threads");
        }
        run.note("multi-class by one-vs-one over Smile's binary linear SVM (LASVM, one pass, visiting order seeded with "
                + SEED + "), with libsvm's vote, not Smile's OneVersusOne (parallel on the common ForkJoin pool)");
        int differ = 0;
        for (int i = 0; i < singleRows; i++) {
            differ += singlePred[i] != testPred[i] ? 1 : 0;
        }
        if (differ > 0) {
            run.note("predict_single and predict_batch differ on " + differ + " of the first " + singleRows + " test rows");
        }
        run.metric("test_accuracy", ClassicalMetrics.accuracy(testPred, data.testY()));
        run.metric("train_accuracy", ClassicalMetrics.accuracy(trainPred, data.trainY()));
        run.output("test_pred", NdArray.labels(testPred));
    }
}
