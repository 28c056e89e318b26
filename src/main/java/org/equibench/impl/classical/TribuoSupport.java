package org.equibench.impl.classical;

import com.oracle.labs.mlrg.olcut.provenance.ProvenanceUtil;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.equibench.impl.core.JavaRun;
import org.tribuo.Example;
import org.tribuo.Model;
import org.tribuo.MutableDataset;
import org.tribuo.Output;
import org.tribuo.OutputFactory;
import org.tribuo.Tribuo;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/** What the Tribuo rows share: building Tribuo's data objects, its logging, and the runtime report. */
final class TribuoSupport {
    // java.util.logging holds loggers weakly: a logger whose level is set must stay referenced, or the
    // setting is lost when it is collected.
    private static final List<Logger> CONFIGURED = new ArrayList<>();

    private TribuoSupport() {
    }

    /**
     * Tribuo logs through java.util.logging, several INFO lines per fit (SLMTrainer: two per selected
     * feature; KMeansTrainer: one per iteration), which would flood stderr. WARNING and above still show.
     */
    static synchronized void quietLogging() {
        for (String name : List.of("org.tribuo", "com.oracle.labs.mlrg.olcut")) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(Level.WARNING);
            CONFIGURED.add(logger);
        }
    }

    /** Keeps a logger's configuration alive for the life of the JVM (see {@link #CONFIGURED}). */
    static synchronized Logger keep(Logger logger) {
        CONFIGURED.add(logger);
        return logger;
    }

    /**
     * One Tribuo example per row of a row-major matrix: the values under the given feature names (zeros are
     * kept as explicit features), and the row's output.
     */
    static <T extends Output<T>> List<Example<T>> examples(double[] x, int rows, String[] names, IntFunction<T> output) {
        int d = names.length;
        List<Example<T>> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            double[] values = new double[d];
            System.arraycopy(x, r * d, values, 0, d);
            out.add(new ArrayExample<>(output.apply(r), names, values));
        }
        return out;
    }

    /** A Tribuo dataset of the given examples, in their order. */
    static <T extends Output<T>> MutableDataset<T> dataset(String description, OutputFactory<T> factory, List<Example<T>> examples) {
        return new MutableDataset<>(examples, new SimpleDataSourceProvenance(description, factory), factory);
    }

    /**
     * Framework, OLCUT (Tribuo's provenance and configuration library) and the hyperparameters as Tribuo
     * records them: the trainer provenance stored in the fitted model, one entry per configurable field.
     */
    static void report(JavaRun run, Model<?> model) {
        run.framework("Tribuo", Tribuo.VERSION);
        run.library("olcut-core", mavenVersion(ProvenanceUtil.class, "com.oracle.labs.olcut", "olcut-core"));
        run.hyperparameters(hyperparameters(model));
        run.manifest("dtype", "f64"); // Tribuo's DenseVector/DenseMatrix hold double[] only
    }

    /** A trainer setting as the fitted model's provenance records it (the manifest reads it from there). */
    static String setting(Model<?> model, String name) {
        Object v = hyperparameters(model).get(name);
        if (v == null) {
            throw new IllegalStateException("Tribuo provenance has no trainer setting '" + name + "'");
        }
        return v.toString();
    }

    static Map<String, Object> hyperparameters(Model<?> model) {
        return sorted(ProvenanceUtil.convertToMap(model.getProvenance().getTrainerProvenance()));
    }

    /** The provenance map with its keys sorted, nested maps included, so that every run writes the same JSON. */
    private static Map<String, Object> sorted(Map<String, Object> map) {
        Map<String, Object> out = new TreeMap<>();
        map.forEach((k, v) -> {
            @SuppressWarnings("unchecked")
            Object value = v instanceof Map<?, ?> m ? sorted((Map<String, Object>) m) : v;
            out.put(k, value);
        });
        return out;
    }

    /** The version in a jar's Maven metadata, or null where the jar has none. */
    static String mavenVersion(Class<?> anchor, String groupId, String artifactId) {
        String resource = "/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties";
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            return null;
        }
    }

    /** A note where the spec asks for more threads than a trainer without a thread setting uses. */
    static void noteSingleThreaded(JavaRun run, String trainer) {
        if (run.spec().threads() != 1) {
            run.note(trainer + " has no thread setting and computes on one thread; the spec asks for "
                    + run.spec().threads());
        }
    }

    /** A note where a row predicted alone differs from the same row predicted in the batch. */
    static void noteSingleVsBatch(JavaRun run, double[] single, double[] batch) {
        int differ = 0;
        double largest = 0;
        for (int i = 0; i < single.length; i++) {
            if (single[i] != batch[i]) {
                differ++;
                largest = Math.max(largest, Math.abs(single[i] - batch[i]));
            }
        }
        if (differ > 0) {
            run.note("predict_single and predict_batch differ on " + differ + " of the first " + single.length
                    + " test rows (by up to " + String.format("%.3g", largest) + ")");
        }
    }

    /** A manifest attribute (such as Bundle-Version) of the jar a class was loaded from, or null. */
    static String manifestAttribute(Class<?> anchor, String attribute) {
        try {
            java.net.URL location = anchor.getProtectionDomain().getCodeSource().getLocation();
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(new java.io.File(location.toURI()))) {
                java.util.jar.Manifest manifest = jar.getManifest();
                return manifest == null ? null : manifest.getMainAttributes().getValue(attribute);
            }
        } catch (Exception e) {
            return null;
        }
    }

    /** The names p0, p1, … padded so that Tribuo's feature order (sorted by name) is the column order. */
    static String[] columnNames(String prefix, int count) {
        int width = String.valueOf(Math.max(0, count - 1)).length();
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = prefix + String.format("%0" + width + "d", i);
        }
        return names;
    }
}
