package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.equibench.check.SpecIdentity;
import org.equibench.data.Json;
import org.equibench.protocol.RunResult.PhaseSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junitpioneer.jupiter.StdErr;
import org.junitpioneer.jupiter.StdIo;
import org.junitpioneer.jupiter.StdOut;

/** compare's printed verdicts and error messages, read from its captured standard output and error. */
class CompareMainTest {
    @TempDir
    Path dir;

    private static ResultRow row(String task, String impl, double centreNs, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Long> samples = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            samples.add((long) (centreNs * (1 + 0.02 * rng.nextGaussian())));
        }
        PhaseStats train = PhaseStats.of(new PhaseSamples(1, 1, samples, 1L, 2L, true, null, null));
        return new ResultRow(task, impl, "java", "x", "f64", 1, "cpu", "passed", "", "ref", "d", "", List.of(), List.of(), Map.of(),
                Map.of("train", train), new ResultRow.ProcessFigures(1, 1), null, Map.of(), Map.of(), List.of(), null);
    }

    private Path write(String name, ResultsFile f) throws Exception {
        Path p = dir.resolve(name);
        Json.writeAtomically(p, f);
        return p;
    }

    private static ResultsFile file(int schema, ResultRow... rows) {
        return new ResultsFile(schema, new RunInfo("2026-01-01T00:00:00Z", "abc", "ci", Map.of()), List.of(rows));
    }

    private static ResultRow row(String task, String impl, double centreNs, long seed, SpecIdentity spec) {
        ResultRow r = row(task, impl, centreNs, seed);
        return new ResultRow(r.task(), r.impl(), r.language(), r.framework(), r.dtype(), r.threads(), r.device(), r.status(),
                r.reason(), r.reference(), r.dataset(), r.note(), r.equivalence(), r.manifestDifferences(), r.metrics(),
                r.phases(), r.process(), r.cold(), r.runtime(), r.environment(), r.hosts(), spec);
    }

    private static String lineOf(StdOut out, String impl) {
        return Arrays.stream(out.capturedLines()).filter(l -> l.contains(impl)).findFirst().orElseThrow();
    }

    @Test
    @StdIo
    void callsARegressionOnlyWhenTheIntervalExcludesNoiseRawAndNormalised(StdOut out) throws Exception {
        // iris-mlp's baseline is rust/pure: it stays put, java/pure slows down by half, python/numpy by 1%
        Path a = write("a.json", file(1, row("iris-mlp", "rust/pure", 1e6, 1), row("iris-mlp", "java/pure", 1e6, 2),
                row("iris-mlp", "python/numpy", 1e6, 3)));
        Path b = write("b.json", file(1, row("iris-mlp", "rust/pure", 1e6, 4), row("iris-mlp", "java/pure", 1.5e6, 5),
                row("iris-mlp", "python/numpy", 1.01e6, 6)));
        assertThat(CompareMain.run(new String[] {a.toString(), b.toString()})).isEqualTo(1);
        assertThat(lineOf(out, "java/pure")).endsWith("  regression");
        assertThat(lineOf(out, "python/numpy")).endsWith("  no change");
    }

    @Test
    @StdIo
    void aRunThatMovedAsAWholeIsDriftNotARegression(StdOut out) throws Exception {
        // every row 1.3× slower, the baseline too: other load on the machine, not a change in any row
        Path a = write("a.json", file(1, row("iris-mlp", "rust/pure", 1e6, 1), row("iris-mlp", "java/pure", 1e6, 2)));
        Path b = write("b.json", file(1, row("iris-mlp", "rust/pure", 1.3e6, 3), row("iris-mlp", "java/pure", 1.3e6, 4)));
        assertThat(CompareMain.run(new String[] {a.toString(), b.toString()})).isZero();
        assertThat(lineOf(out, "java/pure")).contains("raw regression, normalised no change: the whole run moved (rust/pure too)");
        assertThat(lineOf(out, "rust/pure")).contains("raw regression (the baseline row: nothing to normalise it by");
    }

    @Test
    @StdIo
    void refusesARowWhoseWorkDiffersNamingTheFields(StdOut out) throws Exception {
        SpecIdentity ci = new SpecIdentity("f1", "f64", 1, "cpu", Map.of("n_samples", 10000, "k", 8), Map.of("data", "aaaa"));
        SpecIdentity full = new SpecIdentity("f2", "f64", 1, "cpu", Map.of("n_samples", 200000, "k", 8), Map.of("data", "bbbb"));
        Path a = write("a.json", file(1, row("kmeans-blobs", "python/sklearn", 1e6, 1, ci)));
        Path b = write("b.json", file(1, row("kmeans-blobs", "python/sklearn", 19e6, 2, full)));
        assertThat(CompareMain.run(new String[] {a.toString(), b.toString()})).isZero();
        assertThat(lineOf(out, "python/sklearn")).contains("not comparable, the work differs: params.n_samples: 10000 → 200000; "
                + "inputs.data (sha256): aaaa → bbbb").doesNotContain("regression");
    }

    @Test
    @StdIo
    void aFileComparedWithItselfHasNoRegression(StdOut out) throws Exception {
        Path a = write("a.json", file(1, row("t", "x/a", 1e6, 1)));
        assertThat(CompareMain.run(new String[] {a.toString(), a.toString()})).isZero();
        assertThat(out.capturedString()).contains("x/a").doesNotContain("regression");
    }

    @Test
    @StdIo
    void saysExactlyWhatIsWrongWithAFile(StdErr err) throws Exception {
        Path good = write("good.json", file(1, row("t", "x/a", 1e6, 1)));
        Path truncated = dir.resolve("truncated.json");
        String text = Files.readString(good);
        Files.writeString(truncated, text.substring(0, text.length() / 2));
        assertThat(compare(truncated.toString(), good.toString())).isEqualTo(2);
        assertThat(err.capturedString()).contains("truncated.json is not a complete results file");

        Path other = write("other.json", file(2, row("t", "x/a", 1e6, 1)));
        compare(good.toString(), other.toString());
        assertThat(err.capturedString()).contains("the second file has schema 2; this tool reads schema 1");

        Path tasks = write("tasks.json", file(1, row("u", "x/a", 1e6, 1)));
        assertThat(compare(good.toString(), tasks.toString())).isEqualTo(2);
        assertThat(err.capturedString()).contains("different task sets: first [t], second [u]");

        compare(good.toString(), dir.resolve("absent.json").toString());
        assertThat(err.capturedString()).contains("absent.json: no such file");
        assertThat(compare("only-one.json")).isEqualTo(2);
    }

    private static int compare(String... args) {
        return CompareMain.run(args);
    }
}
