package org.equibench.report;

import java.util.List;
import org.equibench.check.CheckOutcome;

/** Small HTML tables for Allure attachments (Allure renders text/html attachments inline). */
public final class HtmlTables {
    private static final String STYLE = "<style>table{border-collapse:collapse;font:13px sans-serif}"
            + "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child,th:first-child{text-align:left}"
            + ".fail{background:#fdd}.pass{background:#dfd}</style>";

    private HtmlTables() {
    }

    public static String equivalence(List<CheckOutcome> outcomes) {
        StringBuilder h = new StringBuilder(STYLE).append("<table><tr><th>output</th><th>reference</th><th>metric</th>"
                + "<th>value</th><th>tolerance</th><th>passed</th><th style='text-align:left'>why this tolerance</th></tr>");
        for (CheckOutcome o : outcomes) {
            h.append("<tr class='").append(o.passed() ? "pass" : "fail").append("'><td>").append(esc(o.output()))
                    .append("</td><td>").append(esc(o.reference())).append("</td><td>").append(o.metric())
                    .append("</td><td>").append(o.problem() != null ? esc(o.problem()) : Figures.number(o.value()))
                    .append(o.note() == null ? "" : "<br><small>" + esc(o.note()) + "</small>")
                    .append("</td><td>").append(Figures.number(o.tolerance())).append("</td><td>").append(o.passed() ? "yes" : "NO")
                    .append("</td><td style='text-align:left'>").append(esc(o.why())).append("</td></tr>");
        }
        return h.append("</table>").toString();
    }

    public static String phases(ResultRow row) {
        StringBuilder h = new StringBuilder(STYLE).append("<table><tr><th>phase</th><th>warm-up</th><th>n</th><th>ops/sample</th>"
                + "<th>median</th><th>95% CI of median</th><th>p95</th><th>min</th><th>RSS before</th><th>peak RSS</th><th>RSS growth</th>"
                + "<th>allocated/rep</th></tr>");
        if (row.phases() != null) {
            row.phases().forEach((name, s) -> h.append("<tr><td>").append(esc(name)).append("</td><td>").append(s.warmup())
                    .append("</td><td>").append(s.n()).append("</td><td>").append(s.opsPerSample())
                    .append("</td><td>").append(Figures.time(s.medianNs())).append("</td><td>")
                    .append(Figures.time(s.medianCi95Ns().get(0))).append(" – ").append(Figures.time(s.medianCi95Ns().get(1)))
                    .append("</td><td>").append(Figures.time(s.p95Ns()))
                    .append("</td><td>").append(Figures.time(s.minNs())).append("</td><td>").append(bytes(s.rssBeforeBytes()))
                    .append("</td><td>").append(bytes(s.peakRssBytes())).append("</td><td>").append(bytes(s.rssDeltaBytes()))
                    .append("</td><td>").append(bytes(s.allocatedBytes())).append("</td></tr>"));
        }
        if (row.process() != null) {
            h.append("<tr><td>whole process (harness view)</td><td colspan=3></td><td colspan=4>wall ")
                    .append(Figures.time(row.process().wallNs())).append("</td><td colspan=2>peak RSS ")
                    .append(bytes(row.process().peakRssBytes())).append("</td><td colspan=2></td></tr>");
        }
        return h.append("</table>").toString();
    }

    private static String bytes(Long b) {
        return b == null || b < 0 ? "–" : Figures.bytes(b);
    }

    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
