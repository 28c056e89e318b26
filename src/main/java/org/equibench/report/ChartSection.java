package org.equibench.report;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The charts part of results/latest.html: per task, its charts as embedded PNGs. Each img says what it shows in
 * data attributes — kind, task, phase, the number of bars (or points) drawn and the rows drawn — so a check
 * can compare them with the results file.
 */
final class ChartSection {
    private ChartSection() {
    }

    static String html(List<ChartImage> charts) {
        if (charts.isEmpty()) {
            return "";
        }
        Map<String, List<ChartImage>> byTask = new LinkedHashMap<>();
        charts.forEach(c -> byTask.computeIfAbsent(c.task(), k -> new java.util.ArrayList<>()).add(c));
        StringBuilder h = new StringBuilder("<h2 id=\"charts\">Charts</h2>\n<p>Ratios are to each task's baseline row, on a log "
                + "axis centred on 1× (left = faster or smaller); whiskers are 95% bootstrap confidence intervals. Colours: one "
                + "per language, a shade per row, the same in every chart. Rows that did not pass the equivalence gate are "
                + "listed under a chart, not drawn.</p>\n");
        byTask.forEach((task, list) -> {
            h.append("<h3 id=\"charts-").append(attr(task)).append("\">Charts: ").append(HtmlTables.esc(task)).append("</h3>\n")
                    .append("<div class=\"charts\">\n");
            list.forEach(c -> h.append("<figure>").append(img(c)).append("</figure>\n"));
            h.append("</div>\n");
        });
        return h.toString();
    }

    static String img(ChartImage c) {
        return "<img class=\"chart\" alt=\"" + attr(c.title()) + "\" data-chart-kind=\"" + c.kind().id() + "\" data-task=\""
                + attr(c.task()) + "\" data-phase=\"" + attr(c.phase()) + "\" data-per=\"" + attr(c.per()) + "\" data-bars=\""
                + c.bars() + "\" data-rows=\"" + attr(String.join(",", c.drawnRows())) + "\" data-not-drawn=\""
                + attr(String.join("; ", c.notDrawn())) + "\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(c.png()) + "\">";
    }

    private static String attr(String s) {
        return s == null ? "" : HtmlTables.esc(s).replace("\"", "&quot;");
    }
}
