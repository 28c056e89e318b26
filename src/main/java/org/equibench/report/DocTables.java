package org.equibench.report;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.equibench.check.OutputCheck;
import org.equibench.task.Implementation;
import org.equibench.task.InputDeclaration;
import org.equibench.task.Scale;
import org.equibench.task.Task;

/**
 * The documentation tables made from the task declarations, so they cannot drift from them: each task's inputs
 * and params in PROTOCOL.md, and its tolerances with their reasons in README.md. A table lives between
 * {@code <!-- equibench:generated KIND TASK -->} and {@code <!-- equibench:end -->}.
 */
public final class DocTables {
    private static final Pattern BLOCK = Pattern.compile(
            "(<!-- equibench:generated (\\S+) (\\S+) -->\\n)(.*?)(<!-- equibench:end -->)", Pattern.DOTALL);

    private DocTables() {
    }

    /** The inputs and params of a task, as PROTOCOL.md shows them. */
    public static String inputsAndParams(Task task) {
        StringBuilder md = new StringBuilder("| input | kind | dtype | shape | what |\n|---|---|---|---|---|\n");
        for (InputDeclaration in : task.inputs()) {
            md.append("| `").append(in.role()).append("` | ").append(in.kind()).append(" | ")
                    .append(in.dtype() == null ? "" : "`" + in.dtype() + "`").append(" | ")
                    .append(in.shape() == null ? "" : "`" + in.shapeText() + "`").append(" | ")
                    .append(in.description()).append(" |\n");
        }
        md.append("\n| param | CI scale | full scale |\n|---|---|---|\n");
        Map<String, Object> ci = task.params(Scale.CI).toSpec();
        Map<String, Object> full = task.params(Scale.FULL).toSpec();
        ci.forEach((name, value) -> md.append("| `").append(name).append("` | ").append(json(value)).append(" | ")
                .append(json(full.get(name))).append(" |\n"));
        return md.toString();
    }

    /** The equivalence checks of a task, rows with the same checks together, as README.md shows them. */
    public static String tolerances(Task task) {
        Map<List<OutputCheck>, List<String>> byChecks = new LinkedHashMap<>();
        for (Implementation impl : task.implementations()) {
            byChecks.computeIfAbsent(task.checks(impl), k -> new ArrayList<>()).add("`" + impl.id() + "`");
        }
        StringBuilder md = new StringBuilder("| rows | output | check | tolerance | why |\n|---|---|---|---|---|\n");
        byChecks.forEach((checks, rows) -> {
            // outputs checked alike share a line
            Map<List<Object>, List<String>> outputs = new LinkedHashMap<>();
            for (OutputCheck c : checks) {
                outputs.computeIfAbsent(List.of(c.metric(), c.tolerance(), c.why()), k -> new ArrayList<>()).add("`" + c.output() + "`");
            }
            outputs.forEach((check, names) -> {
                OutputCheck c = new OutputCheck("", (OutputCheck.Metric) check.get(0), (double) check.get(1), (String) check.get(2));
                md.append("| ").append(String.join(", ", rows)).append(" | ").append(String.join(", ", names)).append(" | ")
                        .append(checkName(c.metric())).append(" | ").append(tolerance(c)).append(" | ").append(c.why()).append(" |\n");
            });
        });
        return md.toString();
    }

    /** The text with every generated block rewritten from the tasks; blocks of unknown tasks are an error. */
    public static String regenerate(String text, List<Task> tasks) {
        Matcher m = BLOCK.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String kind = m.group(2);
            Task task = tasks.stream().filter(t -> t.id().equals(m.group(3))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("generated block for unknown task " + m.group(3)));
            String table = switch (kind) {
                case "params" -> inputsAndParams(task);
                case "tolerances" -> tolerances(task);
                default -> throw new IllegalArgumentException("unknown generated block kind " + kind);
            };
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + table + m.group(5)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Where README.md takes the section of a task that has none yet. */
    public static final String NEW_SECTIONS = "<!-- equibench:new task sections go above this line -->";

    /**
     * The text with a section for every task that has no block of this kind yet, inserted above
     * {@link #NEW_SECTIONS}: a new task's tolerance table needs no hand edit of README.md.
     */
    public static String withMissingSections(String text, List<Task> tasks, String kind) {
        int at = text.indexOf(NEW_SECTIONS);
        if (at < 0) {
            return text;
        }
        List<String> present = blocks(text, kind);
        StringBuilder added = new StringBuilder();
        for (Task task : tasks) {
            if (!present.contains(task.id())) {
                added.append("### `").append(task.id()).append("` (").append(task.title()).append(") — reference `")
                        .append(task.referenceImpl()).append("`\n\n<!-- equibench:generated ").append(kind).append(' ')
                        .append(task.id()).append(" -->\n<!-- equibench:end -->\n\nData: ").append(task.dataset()).append(".\n\n");
            }
        }
        return text.substring(0, at) + added + text.substring(at);
    }

    /** Task ids with a generated block of this kind in the text. */
    public static List<String> blocks(String text, String kind) {
        List<String> ids = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (m.group(2).equals(kind)) {
                ids.add(m.group(3));
            }
        }
        return ids;
    }

    public static void rewrite(Path file, List<Task> tasks) throws IOException {
        String text = Files.readString(file);
        String updated = regenerate(withMissingSections(text, tasks, "tolerances"), tasks);
        if (!updated.equals(text)) {
            Files.writeString(file, updated);
            System.out.println("rewrote the generated tables in " + file);
        }
    }

    private static String checkName(OutputCheck.Metric metric) {
        return switch (metric) {
            case MAX_ABS_DIFF -> "max abs diff";
            case MAX_REL_DIFF -> "max relative diff";
            case LABEL_MISMATCHES -> "identical labels";
            case LABEL_AGREEMENT -> "label agreement";
            case ADJUSTED_RAND_INDEX -> "adjusted Rand index";
            case METRIC_ABS_DIFF -> "abs diff";
            case METRIC_REL_DIFF -> "relative diff";
            case GREEDY_DIVERGENCE -> "identical greedy ids, except declared near-ties";
            case MAX_ABS_DIFF_WHILE_IDS_AGREE -> "max abs diff while the ids agree";
            case LLOYD_MISASSIGNED -> "fixed point of Lloyd: points not at their nearest centroid";
            case LLOYD_MEAN_GAP -> "fixed point of Lloyd: centroid − mean of its members, relative to max |x|";
        };
    }

    private static String tolerance(OutputCheck c) {
        return switch (c.metric()) {
            case LABEL_MISMATCHES -> (int) c.tolerance() + " mismatches";
            case LLOYD_MISASSIGNED -> (int) c.tolerance() + " points";
            case LABEL_AGREEMENT -> "≥ " + number(c.tolerance() * 100) + "%";
            case ADJUSTED_RAND_INDEX -> "≥ " + number(c.tolerance());
            case GREEDY_DIVERGENCE -> "reference top-2 margin at a divergence ≤ " + number(c.tolerance());
            default -> "≤ " + number(c.tolerance());
        };
    }

    /** Four significant digits at most, no trailing zeros: 1e-9, 0.06667, 99.5. */
    static String number(double v) {
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        return Math.abs(v) < 1e-3 && v != 0 ? d.toString().replace("E", "e").replace("e+", "e").replace(".0e", "e")
                : d.toPlainString();
    }

    private static String json(Object value) {
        return value instanceof String s ? "`\"" + s + "\"`" : "`" + value + "`";
    }
}
