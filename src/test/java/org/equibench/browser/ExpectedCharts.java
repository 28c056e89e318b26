package org.equibench.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;
import org.equibench.task.Task;
import org.equibench.task.Tasks;

/**
 * What each chart of latest.html must draw, worked out here from results/latest.json read as plain JSON (not
 * through the report's own classes): only rows that passed, only figures a log axis can show, and no ratios
 * when the task's baseline row has none.
 */
final class ExpectedCharts {
    /** The rows (or claim ids) a chart must draw, in any order, and how many bars (or points) that makes. */
    record Expected(Set<String> rows, int bars) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private final JsonNode results;
    private final Path root;

    ExpectedCharts(Path resultsJson, Path root) throws IOException {
        this.results = JSON.readTree(resultsJson.toFile());
        this.root = root;
    }

    Set<String> tasks() {
        Set<String> tasks = new TreeSet<>();
        results.path("rows").forEach(r -> tasks.add(r.path("task").asText()));
        return tasks;
    }

    /** "kind|task|phase" of every chart the page must have: a time ratio per phase, memory, medians, claims. */
    Set<String> required() {
        Set<String> required = new TreeSet<>();
        for (String id : tasks()) {
            Task task = Tasks.byId(id).orElseThrow();
            task.phases().forEach(p -> required.add("time-ratio|" + id + "|" + p));
            required.add("memory-ratio|" + id);
            required.add("medians|" + id);
            if (task.claimsFile() != null) {
                required.add("claims|" + id);
            }
        }
        return required;
    }

    Expected of(String kind, String task, String phase, String per) throws IOException {
        return switch (kind) {
            case "time-ratio" -> ratio(task, r -> positive(r.path("phases").path(phase).path("median_ns"))
                    && (per.isEmpty() || positive(r.path("metrics").path(per))));
            case "memory-ratio" -> ratio(task, r -> positive(phase.isEmpty() ? r.path("process").path("peak_rss_bytes")
                    : r.path("phases").path(phase).path("peak_rss_bytes")));
            case "medians" -> medians(task);
            case "claims" -> claims(task);
            default -> throw new AssertionError("unknown chart kind " + kind);
        };
    }

    private Expected ratio(String task, java.util.function.Predicate<JsonNode> hasFigure) {
        Optional<JsonNode> baseline = passedRow(task, Tasks.byId(task).orElseThrow().baselineImpl()).filter(hasFigure);
        Set<String> rows = new TreeSet<>();
        if (baseline.isPresent()) {
            passedRows(task).stream().filter(hasFigure).forEach(r -> rows.add(r.path("impl").asText()));
        }
        return new Expected(rows, rows.size());
    }

    private Expected medians(String task) {
        Set<String> rows = new TreeSet<>();
        int bars = 0;
        for (JsonNode r : passedRows(task)) {
            for (String phase : Tasks.byId(task).orElseThrow().phases()) {
                if (positive(r.path("phases").path(phase).path("median_ns"))) {
                    bars++;
                    rows.add(r.path("impl").asText());
                }
            }
        }
        return new Expected(rows, bars);
    }

    /** Claims whose two rows both passed with the claim's figure. */
    private Expected claims(String task) throws IOException {
        JsonNode claims = JSON.readTree(root.resolve(Tasks.byId(task).orElseThrow().claimsFile()).toFile());
        String subject = claims.path("subject").asText();
        Set<String> ids = new TreeSet<>();
        for (JsonNode c : claims.path("claims")) {
            String field = c.path("quantity").asText().equals("time") ? "median_ns" : "peak_rss_bytes";
            boolean measured = List.of(subject, c.path("other").asText()).stream().allMatch(impl -> passedRow(task, impl)
                    .map(r -> positive(r.path("phases").path(c.path("phase").asText()).path(field))).orElse(false));
            if (measured) {
                ids.add(c.path("id").asText());
            }
        }
        return new Expected(ids, ids.size());
    }

    private List<JsonNode> passedRows(String task) {
        List<JsonNode> rows = new ArrayList<>();
        StreamSupport.stream(results.path("rows").spliterator(), false)
                .filter(r -> r.path("task").asText().equals(task) && r.path("status").asText().equals("passed")).forEach(rows::add);
        return rows;
    }

    private Optional<JsonNode> passedRow(String task, String impl) {
        return passedRows(task).stream().filter(r -> r.path("impl").asText().equals(impl)).findFirst();
    }

    private static boolean positive(JsonNode n) {
        return n.isNumber() && n.asDouble() > 0 && Double.isFinite(n.asDouble());
    }
}
