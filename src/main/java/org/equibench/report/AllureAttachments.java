package org.equibench.report;

import io.qameta.allure.Allure;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.equibench.task.Implementation;
import org.equibench.task.Task;

/** Puts a row into the Allure report of the running test: labels, parameters and attachments. */
public final class AllureAttachments {
    private AllureAttachments() {
    }

    public static void labels(Task task, Implementation impl, int threads) {
        Allure.epic(task.family());
        Allure.feature(task.id());
        Allure.story(impl.id());
        Allure.parameter("language", impl.language());
        Allure.parameter("framework", impl.framework());
        Allure.parameter("dtype", impl.dtype());
        Allure.parameter("threads", threads);
        Allure.label("dataset", task.dataset());
        if (!impl.note().isBlank()) {
            Allure.description(impl.note());
        }
    }

    /** One PNG per process the row ran in: RSS (in the row's colour) and CPU as sampled by the harness, phases shaded. */
    public static void timelines(Task task, Implementation impl, List<org.equibench.runner.RowRun> rounds) {
        int round = 1;
        for (org.equibench.runner.RowRun r : rounds) {
            try {
                byte[] png = TimelineChart.render(task.id() + " " + impl.id() + ", process " + round, r.timeline(), r.spawnEpochNs(),
                        r.result() == null ? null : r.result().timeline(), RowColours.of(impl.id()));
                Allure.addAttachment("resource timeline, process " + round, "image/png", new ByteArrayInputStream(png), "png");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            round++;
        }
    }

    /** {@code taskChart} is the task's bar chart, rendered once for all its rows ({@link #taskChart}). */
    public static void row(ResultRow row, Path rowDir, Task task, byte[] taskChart) {
        attachFile("spec.json", rowDir == null ? null : rowDir.resolve("spec.json"), "application/json", "json");
        attachFile("result.json", rowDir == null ? null : rowDir.resolve("out/result.json"), "application/json", "json");
        if (row.equivalence() != null && !row.equivalence().isEmpty()) {
            Allure.addAttachment("equivalence", "text/html", HtmlTables.equivalence(row.equivalence()), "html");
        }
        if (row.runtime() != null) {
            Allure.addAttachment("fairness manifest", "text/html", ManifestTable.html(row), "html");
        }
        if (ResultRow.PASSED.equals(row.status())) {
            Allure.addAttachment("timing and memory", "text/html", HtmlTables.phases(row), "html");
        }
        if (row.reason() != null && !row.reason().isBlank()) {
            Allure.addAttachment("why not measured", "text/plain", row.reason(), "txt");
        }
        chart(task, taskChart);
    }

    /** The PNG bar chart of a task's median phase times over all its rows. */
    public static byte[] taskChart(Task task, List<ResultRow> taskRows) {
        return PhaseMediansChart.of(task, taskRows).png();
    }

    public static void chart(Task task, byte[] taskChart) {
        Allure.addAttachment(task.id() + " medians", "image/png", new ByteArrayInputStream(taskChart), "png");
    }

    /** Every chart of the task ({@link TaskCharts}), for the task's summary test; claims files are read under {@code root}. */
    public static void taskCharts(Task task, List<ResultRow> taskRows, Path root) {
        for (ChartImage c : TaskCharts.of(task, taskRows, root)) {
            String name = c.kind() == ChartKind.MEDIANS ? task.id() + " medians" : c.title();
            Allure.addAttachment(name, "image/png", new ByteArrayInputStream(c.png()), "png");
        }
    }

    /** The task's manifest table and, where the task has one, the claim audit, on the task's summary test. */
    public static void taskTables(Task task, List<ResultRow> taskRows, Path root) throws IOException {
        String manifest = ManifestTable.markdown(taskRows);
        if (!manifest.isBlank()) {
            Allure.addAttachment(task.id() + " fairness manifest", "text/html", HtmlPage.fragment(manifest), "html");
        }
        if (task.claimsFile() != null) {
            String audit = ClaimAudit.markdown(ClaimAudit.read(root.resolve(task.claimsFile())), taskRows);
            Allure.addAttachment(task.id() + " claim audit", "text/html", HtmlPage.fragment(audit), "html");
        }
    }

    private static void attachFile(String name, Path file, String type, String ext) {
        if (file != null && Files.isRegularFile(file)) {
            try {
                Allure.addAttachment(name, type, Files.readString(file), ext);
            } catch (IOException e) {
                Allure.addAttachment(name, "text/plain", "unreadable: " + e.getMessage(), "txt");
            }
        }
    }

    /** environment.properties: the host facts shown on the report's overview page. */
    public static void writeEnvironment(Path resultsDir, RunInfo run) throws IOException {
        Properties p = new Properties();
        p.setProperty("scale", run.scale());
        p.setProperty("git_commit", run.gitCommit());
        for (Map.Entry<String, Object> e : run.host().entrySet()) {
            p.setProperty(e.getKey(), String.valueOf(e.getValue()));
        }
        Files.createDirectories(resultsDir);
        try (var out = Files.newOutputStream(resultsDir.resolve("environment.properties"))) {
            p.store(out, "equibench run " + run.startedAt());
        }
    }
}
