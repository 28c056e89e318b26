package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code compare FIRST.json SECOND.json [--threshold 0.05]}: prints every row's phases side by side with the
 * ratio second ÷ first, raw and normalised by the task's baseline row, each with its CI (see
 * {@link ResultsComparison}). Exit 0 when nothing regressed, 1 when something did (raw and normalised agreeing),
 * 2 when the files cannot be compared (unreadable, truncated, another schema, other tasks).
 */
public final class CompareMain {
    private CompareMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        if (args.length != 2 && !(args.length == 4 && args[2].equals("--threshold"))) {
            System.err.println("usage: compare FIRST.json SECOND.json [--threshold 0.05]");
            return 2;
        }
        double threshold = args.length == 4 ? Double.parseDouble(args[3]) : 0.05;
        try {
            ResultsFile first = read(Path.of(args[0]));
            ResultsFile second = read(Path.of(args[1]));
            List<ResultsComparison.Line> lines = ResultsComparison.compare(first, second, threshold);
            System.out.print(ResultsComparison.render(lines, threshold));
            return lines.stream().anyMatch(ResultsComparison.Line::regression) ? 1 : 0;
        } catch (ResultsComparison.IncomparableException e) {
            System.err.println("compare: " + e.getMessage());
            return 2;
        }
    }

    private static ResultsFile read(Path file) throws ResultsComparison.IncomparableException {
        if (!Files.isRegularFile(file)) {
            throw new ResultsComparison.IncomparableException(file + ": no such file");
        }
        try {
            return ResultsFile.read(file);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ResultsComparison.IncomparableException(file + " is not a complete results file (truncated or not JSON): " + why);
        }
    }
}
