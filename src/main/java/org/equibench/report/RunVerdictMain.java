package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The main job's last step: {@code RunVerdictMain ROOT} exits 1 naming every row that failed or errored, and
 * every test class with failures (the benchmark profile lets Maven go on past them so every report is written),
 * and 1 when this run wrote no results at all; otherwise 0.
 */
public final class RunVerdictMain {
    private static final Pattern SUITE = Pattern.compile("<testsuite[^>]*\\sname=\"([^\"]+)\"[^>]*>");
    private static final Pattern COUNT = Pattern.compile("\\s(failures|errors)=\"(\\d+)\"");

    private RunVerdictMain() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        List<String> problems = problems(root.resolve("target/equibench"), root.resolve("target/surefire-reports"));
        if (problems.isEmpty()) {
            RunVerdict v = RunVerdict.read(root.resolve("target/equibench"));
            System.out.println("[equibench] all " + v.rows() + " rows passed or were skipped; results in " + v.resultsFile());
            return;
        }
        System.err.println("[equibench] the run did not pass:");
        problems.forEach(p -> System.err.println("  " + p));
        System.exit(1);
    }

    static List<String> problems(Path workDir, Path surefireReports) throws IOException {
        List<String> problems = new ArrayList<>();
        if (!Files.exists(RunVerdict.file(workDir))) {
            problems.add("no results were written by this run (" + RunVerdict.file(workDir) + " is missing)");
        } else {
            for (RunVerdict.FailedRow r : RunVerdict.read(workDir).failed()) {
                problems.add(r.task() + " " + r.impl() + " " + r.status() + ": " + firstLine(r.reason()));
            }
        }
        if (Files.isDirectory(surefireReports)) {
            try (Stream<Path> files = Files.list(surefireReports)) {
                for (Path f : files.filter(p -> p.getFileName().toString().matches("TEST-.*\\.xml")).sorted().toList()) {
                    String xml = Files.readString(f);
                    Matcher suite = SUITE.matcher(xml);
                    if (!suite.find()) {
                        continue;
                    }
                    Matcher m = COUNT.matcher(suite.group());
                    int bad = 0;
                    while (m.find()) {
                        bad += Integer.parseInt(m.group(2));
                    }
                    if (bad > 0) {
                        problems.add("test class " + suite.group(1) + ": " + bad + " failed test(s), see " + f);
                    }
                }
            }
        }
        return problems;
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }
}
