package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.equibench.data.Json;
import org.equibench.protocol.RunResult.PhaseSamples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        return new ResultRow(task, impl, "java", "x", "f64", 1, "passed", "", "ref", "d", "", List.of(), List.of(), Map.of(),
                Map.of("train", train), new ResultRow.ProcessFigures(1, 1), null, Map.of(), Map.of());
    }

    private Path write(String name, ResultsFile f) throws Exception {
        Path p = dir.resolve(name);
        Json.writeAtomically(p, f);
        return p;
    }

    private static ResultsFile file(int schema, ResultRow... rows) {
        return new ResultsFile(schema, new RunInfo("2026-01-01T00:00:00Z", "abc", "ci", Map.of()), List.of(rows));
    }

    private record Outcome(int code, String out, String err) {
    }

    private static Outcome compare(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o));
            System.setErr(new PrintStream(e));
            return new Outcome(CompareMain.run(args), o.toString(), e.toString());
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void callsARegressionOnlyWhenTheIntervalExcludesNoise() throws Exception {
        Path a = write("a.json", file(1, row("t", "x/a", 1e6, 1), row("t", "x/b", 1e6, 2)));
        Path b = write("b.json", file(1, row("t", "x/a", 1.5e6, 3), row("t", "x/b", 1.01e6, 4)));
        Outcome r = compare(a.toString(), b.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out().lines().filter(l -> l.contains("x/a"))).singleElement().asString().contains("regression");
        assertThat(r.out().lines().filter(l -> l.contains("x/b"))).singleElement().asString().contains("no change");
        assertThat(compare(a.toString(), a.toString()).code()).isZero();
    }

    @Test
    void saysExactlyWhatIsWrongWithAFile() throws Exception {
        Path good = write("good.json", file(1, row("t", "x/a", 1e6, 1)));
        Path truncated = dir.resolve("truncated.json");
        String text = Files.readString(good);
        Files.writeString(truncated, text.substring(0, text.length() / 2));
        Outcome r = compare(truncated.toString(), good.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("truncated.json is not a complete results file");

        Path other = write("other.json", file(2, row("t", "x/a", 1e6, 1)));
        assertThat(compare(good.toString(), other.toString()).err()).contains("the second file has schema 2; this tool reads schema 1");

        Path tasks = write("tasks.json", file(1, row("u", "x/a", 1e6, 1)));
        Outcome t = compare(good.toString(), tasks.toString());
        assertThat(t.code()).isEqualTo(2);
        assertThat(t.err()).contains("different task sets: first [t], second [u]");

        assertThat(compare(good.toString(), dir.resolve("absent.json").toString()).err()).contains("absent.json: no such file");
        assertThat(compare("only-one.json").code()).isEqualTo(2);
    }
}
