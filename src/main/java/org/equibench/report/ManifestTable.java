package org.equibench.report;

import org.equibench.protocol.Manifest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.equibench.check.ManifestComparison;

/**
 * A task's fairness manifests side by side: one line per field, one column per row. A cell that differs from
 * the reference row is marked: † when the task declares the difference (reasons listed under the table),
 * ✗ when it does not (that row failed). Descriptive fields come first and are never marked.
 */
public final class ManifestTable {
    private ManifestTable() {
    }

    public static String markdown(List<ResultRow> rows) {
        List<ResultRow> withManifest = rows.stream().filter(r -> Manifest.of(r.runtime()) != null).toList();
        if (withManifest.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n### Fairness manifest (read back by each implementation at run time)\n\n| field |");
        StringBuilder rule = new StringBuilder("|---|");
        for (ResultRow r : withManifest) {
            md.append(" `").append(r.impl()).append("` |");
            rule.append("---|");
        }
        md.append('\n').append(rule).append('\n');
        Map<String, String> reasons = new LinkedHashMap<>();
        for (String field : fields(withManifest)) {
            md.append("| ").append(ManifestComparison.DESCRIPTIVE.contains(field) ? "*" + field + "*" : field).append(" |");
            for (ResultRow r : withManifest) {
                String value = ManifestComparison.text(Manifest.of(r.runtime()).get(field));
                ManifestComparison.Difference d = difference(r, field);
                md.append(' ').append(escape(value));
                if (d != null && d.declared()) {
                    md.append(" †");
                    reasons.putIfAbsent(r.impl() + " · " + field, d.declaredReason());
                } else if (d != null) {
                    md.append(" **✗ undeclared**");
                }
                md.append(" |");
            }
            md.append('\n');
        }
        md.append("\n*Italic* fields describe the row and are not compared. † = differs from the reference row, declared:\n\n");
        reasons.forEach((where, why) -> md.append("- ").append(where).append(": ").append(why).append('\n'));
        return md.toString();
    }

    /** HTML table of one row's manifest against the reference, for the row's Allure attachment. */
    public static String html(ResultRow row) {
        Map<String, Object> manifest = Manifest.of(row.runtime());
        StringBuilder h = new StringBuilder("<style>table{border-collapse:collapse;font:13px sans-serif}td,th{border:1px solid #ccc;"
                + "padding:3px 8px}.undeclared{background:#fdd}.declared{background:#ffe9b3}</style><table><tr><th>field</th>"
                + "<th>this row</th><th>reference</th><th>declared reason</th></tr>");
        Set<String> fields = new TreeSet<>(manifest == null ? Set.of() : manifest.keySet());
        if (row.manifestDifferences() != null) {
            row.manifestDifferences().forEach(d -> fields.add(d.field()));
        }
        for (String field : fields) {
            ManifestComparison.Difference d = difference(row, field);
            String value = ManifestComparison.text(manifest == null ? null : manifest.get(field));
            h.append("<tr class='").append(d == null ? "" : d.declared() ? "declared" : "undeclared").append("'><td>")
                    .append(HtmlTables.esc(field)).append("</td><td>").append(HtmlTables.esc(value)).append("</td><td>")
                    .append(d == null ? (ManifestComparison.DESCRIPTIVE.contains(field) ? "(not compared)" : "same")
                            : HtmlTables.esc(d.reference()))
                    .append("</td><td>").append(d == null ? "" : d.declared() ? HtmlTables.esc(d.declaredReason()) : "NOT DECLARED")
                    .append("</td></tr>");
        }
        return h.append("</table>").toString();
    }

    private static Set<String> fields(List<ResultRow> rows) {
        Set<String> descriptive = new LinkedHashSet<>();
        Set<String> compared = new TreeSet<>();
        for (ResultRow r : rows) {
            for (String f : Manifest.of(r.runtime()).keySet()) {
                (ManifestComparison.DESCRIPTIVE.contains(f) ? descriptive : compared).add(f);
            }
            if (r.manifestDifferences() != null) {
                r.manifestDifferences().forEach(d -> compared.add(d.field()));
            }
        }
        List<String> ordered = new ArrayList<>();
        for (String f : List.of("language", "language_version", "framework", "framework_version", "blas")) {
            if (descriptive.contains(f)) {
                ordered.add(f);
            }
        }
        ordered.addAll(compared);
        return new LinkedHashSet<>(ordered);
    }

    private static ManifestComparison.Difference difference(ResultRow row, String field) {
        return row.manifestDifferences() == null ? null
                : row.manifestDifferences().stream().filter(d -> d.field().equals(field)).findFirst().orElse(null);
    }

    private static String escape(String s) {
        return s.replace("|", "\\|");
    }
}
