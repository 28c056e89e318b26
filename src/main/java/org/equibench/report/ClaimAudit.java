package org.equibench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.equibench.data.Json;
import org.equibench.measure.Bootstrap;

/**
 * Audits a published benchmark's claims (data/claims/*.json) against this run: for each claimed ratio, the
 * same ratio measured here between the same pair of rows, its 95% CI, and a verdict.
 */
public final class ClaimAudit {
    /** The claims file. */
    public record Claims(String source, String task, String subject, String alsoShow, String note, String rule,
                         List<Claim> claims, List<ClaimedAccuracy> accuracy) {
    }

    /** "subject is claimedRatio× better than other in quantity (phase)". */
    public record Claim(String id, String statement, String quantity, String phase, String other, double claimedRatio,
                        List<Double> claimedRange, double seedTableRatio) {
    }

    public record ClaimedAccuracy(String row, double train, double test) {
    }

    /** One audited claim: measured ratio other ÷ subject, CI (NaN for memory), verdict, and the same for also_show. */
    public record Verdict(Claim claim, double measured, double ciLow, double ciHigh, String verdict, double alsoShowRatio) {
    }

    private ClaimAudit() {
    }

    public static Claims read(Path file) throws IOException {
        return Json.read(file, Claims.class);
    }

    public static List<Verdict> audit(Claims claims, List<ResultRow> rows) {
        List<Verdict> out = new ArrayList<>();
        Optional<ResultRow> subject = row(rows, claims.subject());
        Optional<ResultRow> also = row(rows, claims.alsoShow());
        for (Claim c : claims.claims()) {
            Optional<ResultRow> other = row(rows, c.other());
            if (subject.isEmpty() || other.isEmpty()) {
                out.add(new Verdict(c, Double.NaN, Double.NaN, Double.NaN, "not measured: " + (subject.isEmpty()
                        ? claims.subject() : c.other()) + " has no passed row in this run", Double.NaN));
                continue;
            }
            double measured = value(other.get(), c) / value(subject.get(), c);
            double[] ci = c.quantity().equals("time")
                    ? Bootstrap.ratioOfMediansCi95(samples(other.get(), c), samples(subject.get(), c))
                    : new double[] {measured, measured};
            double lo = c.claimedRange().get(0);
            double hi = c.claimedRange().get(1);
            String verdict;
            if (ci[1] >= lo && ci[0] <= hi) {
                verdict = "consistent";
            } else if (ci[1] < 1) {
                verdict = "not consistent: " + claims.subject() + " is not ahead here";
            } else {
                verdict = String.format(Locale.ROOT, "not consistent: %s here", ci[1] < lo ? "smaller" : "larger");
            }
            double alsoRatio = also.map(a -> value(other.get(), c) / value(a, c)).orElse(Double.NaN);
            out.add(new Verdict(c, measured, ci[0], ci[1], verdict, alsoRatio));
        }
        return out;
    }

    private static Optional<ResultRow> row(List<ResultRow> rows, String impl) {
        return rows.stream().filter(r -> r.impl().equals(impl) && ResultRow.PASSED.equals(r.status())).findFirst();
    }

    private static double value(ResultRow row, Claim c) {
        PhaseStats s = row.phases() == null ? null : row.phases().get(c.phase());
        if (s == null) {
            return Double.NaN;
        }
        return switch (c.quantity()) {
            case "time" -> s.medianNs();
            case "peak_rss" -> s.peakRssBytes() == null ? Double.NaN : s.peakRssBytes();
            default -> throw new IllegalArgumentException("claim " + c.id() + ": unknown quantity " + c.quantity());
        };
    }

    private static double[][] samples(ResultRow row, Claim c) {
        return row.phases().get(c.phase()).processes();
    }

    public static String markdown(Claims claims, List<ResultRow> rows) {
        StringBuilder md = new StringBuilder("\n### Claim audit: ").append(claims.source()).append("\n\n")
                .append(claims.rule()).append(' ').append(claims.note()).append("\n\n")
                .append(measuredOn(rows)).append("\n\n")
                .append("| claim | seed's own table | claimed range | measured here | 95% CI | verdict | same ratio for `")
                .append(claims.alsoShow()).append("` |\n|---|---:|---:|---:|---:|---|---:|\n");
        for (Verdict v : audit(claims, rows)) {
            Claim c = v.claim();
            md.append("| ").append(c.statement()).append(" (").append(c.other()).append(" ÷ ").append(claims.subject())
                    .append(", ").append(c.quantity().equals("time") ? "median time" : "peak RSS").append(" of ").append(c.phase())
                    .append(") | ").append(Figures.ratio(c.seedTableRatio())).append(" | ")
                    .append(Figures.ratio(c.claimedRange().get(0))).append("–").append(Figures.ratio(c.claimedRange().get(1)))
                    .append(" | ").append(Figures.ratio(v.measured())).append(" | ")
                    .append(c.quantity().equals("time") ? Figures.ratio(v.ciLow()) + "–" + Figures.ratio(v.ciHigh()) : "one measurement")
                    .append(" | **").append(v.verdict()).append("** | ").append(Figures.ratio(v.alsoShowRatio())).append(" |\n");
        }
        md.append("\n| row | seed's train accuracy | measured | seed's test accuracy | measured |\n|---|---:|---:|---:|---:|\n");
        for (ClaimedAccuracy a : claims.accuracy()) {
            Optional<ResultRow> r = row(rows, a.row());
            md.append("| ").append(a.row()).append(" | ").append(Figures.percent(a.train())).append(" | ")
                    .append(r.map(x -> Figures.percent(metric(x, "train_accuracy"))).orElse("–")).append(" | ")
                    .append(Figures.percent(a.test())).append(" | ")
                    .append(r.map(x -> Figures.percent(metric(x, "test_accuracy"))).orElse("–")).append(" |\n");
        }
        return md.toString();
    }

    /**
     * The CPU the verdicts hold for: ratios between languages move from one CPU model to another (JIT, vector units,
     * memory), so a verdict is a verdict on that machine.
     */
    static String measuredOn(List<ResultRow> rows) {
        List<String> cpus = rows.stream().flatMap(r -> r.cpuModels().stream()).distinct().toList();
        return cpus.isEmpty() ? "These results do not record the CPU their processes ran on; the verdicts hold for that machine only."
                : "The verdicts hold for the CPU measured here, `" + String.join("`, `", cpus) + "`: ratios between languages "
                + "move from one CPU model to another, so audit a claim on the kind of machine it is about.";
    }

    private static double metric(ResultRow r, String name) {
        Double v = r.metrics() == null ? null : r.metrics().get(name);
        return v == null ? Double.NaN : v;
    }
}
