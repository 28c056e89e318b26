package org.equibench.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.equibench.report.ResultRow;
import org.equibench.report.ResultsFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opens what a person reads — the Allure report and results/latest.html — in headless Chromium and checks that
 * the tasks, every row of the latest run, the fairness manifest and the charts actually render. Screenshots go
 * to target/. Runs after the report is generated (failsafe, integration-test phase).
 */
class ReportInBrowserIT {
    private static final Path ROOT = Path.of(System.getProperty("equibench.root", ".")).toAbsolutePath();
    private static final Duration RENDER = Duration.ofSeconds(60);
    private static Path chromium;
    private static ResultsFile latest;

    @BeforeAll
    static void findBrowserAndRun() throws Exception {
        Optional<Path> found = HeadlessChromium.find();
        if (found.isEmpty()) {
            String why = "no Chromium found (install Debian's chromium, or set EQUIBENCH_CHROMIUM)";
            if ("all".equalsIgnoreCase(System.getProperty("equibench.require", ""))) {
                fail(why + " and equibench.require=all");
            }
            Assumptions.abort(why);
        }
        chromium = found.get();
        Path results = ROOT.resolve("results/latest.json");
        assertThat(results).as("the test run's results").exists();
        latest = ResultsFile.read(results);
    }

    private static HeadlessChromium browser(String name) throws Exception {
        return HeadlessChromium.start(chromium, Files.createTempDirectory("equibench-chromium-" + name));
    }

    private static String js(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    @Test
    void allureReportShowsEveryTaskRowManifestAndChart() throws Exception {
        Path report = ROOT.resolve("target/allure-report/index.html");
        assertThat(report).as("single-file Allure report").exists();
        try (HeadlessChromium b = browser("allure")) {
            b.open(report.toUri() + "#behaviors", 1400, 1000);
            for (ResultRow row : latest.rows()) {
                assertThat(b.waitFor("document.body.textContent.includes(" + js(row.task()) + ") && "
                        + "document.body.textContent.includes(" + js(row.impl()) + ")", RENDER))
                        .as("behaviors tree shows %s %s", row.task(), row.impl()).isTrue();
            }
            ResultRow passed = latest.rows().stream().filter(r -> ResultRow.PASSED.equals(r.status())).findFirst()
                    .orElseThrow(() -> new AssertionError("the latest run has no passed row to look at"));
            // the leaf of this row under this task's node (the same implementation appears under several tasks)
            String href = b.evaluate("[...document.querySelectorAll('a.node__leaf')].filter(a => a.textContent.includes("
                    + js(passed.impl()) + ") && (() => { for (let n = a.parentElement; n; n = n.parentElement) {"
                    + " const t = n.querySelector(':scope > .node__title .node__name');"
                    + " if (t && t.textContent.trim() === " + js(passed.task()) + ") return true; } return false; })())"
                    + ".map(a => a.getAttribute('href'))[0] || ''").asText();
            assertThat(href).as("a test case link for %s", passed.impl()).isNotBlank();
            b.evaluate("location.hash = " + js(href));
            for (String attachment : List.of("equivalence", "fairness manifest", "timing and memory", "resource timeline",
                    passed.task() + " medians")) {
                assertThat(b.waitFor("document.body.innerText.includes(" + js(attachment) + ")", RENDER))
                        .as("test case page lists the attachment '%s'", attachment).isTrue();
            }
            // open the chart attachment and check the picture really decoded
            b.evaluate("[...document.querySelectorAll('.attachment-row')].filter(r => r.innerText.includes("
                    + js(passed.task() + " medians") + ")).forEach(r => r.click())");
            assertThat(b.waitFor("[...document.querySelectorAll('img')].some(i => i.complete && i.naturalWidth > 200)", RENDER))
                    .as("the chart attachment renders as an image").isTrue();
            b.screenshot(ROOT.resolve("target/allure-report-screenshot.png"));
        }
    }

    @Test
    void latestHtmlShowsTablesManifestAuditAndCharts() throws Exception {
        Path page = ROOT.resolve("results/latest.html");
        assertThat(page).exists();
        try (HeadlessChromium b = browser("latest")) {
            b.open(page.toUri().toString(), 1400, 1000);
            assertThat(b.waitFor("document.readyState === 'complete'", RENDER)).isTrue();
            String text = b.evaluate("document.body.innerText").asText();
            for (ResultRow row : latest.rows()) {
                assertThat(text).contains(row.task()).contains(row.impl());
            }
            assertThat(text).contains("Fairness manifest").contains("Equivalence checks");
            if (latest.rows().stream().anyMatch(r -> r.task().equals("iris-mlp"))) {
                assertThat(text).contains("Claim audit");
            }
            assertThat(b.evaluate("document.querySelectorAll('table').length").asInt()).isGreaterThan(3);
            assertThat(b.waitFor("[...document.images].length > 0 && [...document.images].every(i => i.complete && i.naturalWidth > 200)",
                    RENDER)).as("every embedded chart decodes").isTrue();
            chartsDrawWhatTheResultsSay(b);
            b.screenshot(ROOT.resolve("target/latest-html-screenshot.png"));
        }
    }

    /**
     * Every chart img says what it drew (data attributes written from what the renderer drew); each must equal
     * what results/latest.json implies, worked out here independently, and every chart the page owes is there.
     */
    private static void chartsDrawWhatTheResultsSay(HeadlessChromium b) throws Exception {
        ExpectedCharts expected = new ExpectedCharts(ROOT.resolve("results/latest.json"), ROOT);
        JsonNode charts = b.evaluate("[...document.querySelectorAll('img.chart')].map(i => ({kind: i.dataset.chartKind, "
                + "task: i.dataset.task, phase: i.dataset.phase, per: i.dataset.per, bars: Number(i.dataset.bars), "
                + "rows: i.dataset.rows ? i.dataset.rows.split(',') : [], width: i.naturalWidth, complete: i.complete}))");
        Set<String> present = new TreeSet<>();
        for (JsonNode c : charts) {
            String kind = c.path("kind").asText();
            String task = c.path("task").asText();
            String phase = c.path("phase").asText();
            String what = kind + " chart of " + task + (phase.isEmpty() ? "" : " " + phase) + (c.path("per").asText().isEmpty() ? ""
                    : " per " + c.path("per").asText());
            assertThat(c.path("complete").asBoolean() && c.path("width").asInt() > 0).as("%s decodes", what).isTrue();
            ExpectedCharts.Expected want = expected.of(kind, task, phase, c.path("per").asText());
            Set<String> drawn = new TreeSet<>();
            c.path("rows").forEach(r -> drawn.add(r.asText()));
            assertThat(drawn).as("rows drawn in the %s", what).isEqualTo(want.rows());
            assertThat(c.path("bars").asInt()).as("bars drawn in the %s", what).isEqualTo(want.bars());
            present.add(kind + "|" + task + (kind.equals("time-ratio") && c.path("per").asText().isEmpty() ? "|" + phase : ""));
        }
        assertThat(present).as("charts in latest.html").containsAll(expected.required());
    }
}
