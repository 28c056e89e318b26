package org.equibench.report;

import java.util.List;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * results/latest.html: one self-contained page (no external CSS, scripts or images) with the same tables as
 * latest.md, rendered by commonmark, then each task's charts embedded as data URIs ({@link ChartSection}).
 */
public final class HtmlPage {
    private static final String STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
            table{border-collapse:collapse;margin:.6em 0 1.2em}th,td{border:1px solid #ccc;padding:3px 8px}
            td{text-align:right}td:first-child,th:first-child{text-align:left}th{background:#f3f3f3}
            code{background:#f5f5f5;padding:0 3px}h2{border-top:2px solid #ddd;padding-top:.8em;margin-top:2em}
            img{max-width:100%}.charts{display:flex;flex-wrap:wrap;gap:14px;align-items:flex-start}
            figure{margin:0}strong{color:#b00020}
            """;

    private HtmlPage() {
    }

    /** The page for {@code summary}, the Markdown of {@link MarkdownSummary} for these results, then the charts. */
    public static String render(String summary, List<ChartImage> charts) {
        return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>equibench results</title></head><body>\n"
                + fragment(summary) + ChartSection.html(charts) + "</body></html>\n";
    }

    /** Markdown (with tables) as an HTML fragment with its own style, e.g. for an Allure attachment. */
    public static String fragment(String markdown) {
        var extensions = List.of(TablesExtension.create());
        Parser parser = Parser.builder().extensions(extensions).build();
        HtmlRenderer renderer = HtmlRenderer.builder().extensions(extensions).build();
        return "<style>" + STYLE + "</style>\n" + renderer.render(parser.parse(markdown));
    }
}
