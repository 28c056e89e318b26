package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Run by the build before the tests: empties allure-results (Allure would otherwise pile up every earlier
 * run's results in the report) and copies the previous report's history/ into it, so the new report shows
 * trends across runs.
 */
public final class AllureResultsPreparation {
    /** Where the build writes the multi-file report whose history/ the next run (and CI) carries over. */
    public static final String FULL_REPORT = "target/allure-report-full";

    private AllureResultsPreparation() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath();
        Path results = root.resolve("allure-results");
        Files.createDirectories(results);
        try (Stream<Path> old = Files.list(results)) {
            for (Path p : old.filter(p -> !p.getFileName().toString().equals(".gitkeep")).toList()) {
                deleteRecursively(p);
            }
        }
        Path history = root.resolve(FULL_REPORT).resolve("history");
        int copied = 0;
        if (Files.isDirectory(history)) {
            Files.createDirectories(results.resolve("history"));
            try (Stream<Path> files = Files.list(history)) {
                for (Path f : files.toList()) {
                    Files.copy(f, results.resolve("history").resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                    copied++;
                }
            }
        }
        System.out.println("[equibench] allure-results emptied; " + (copied > 0 ? copied + " history files carried over"
                : "no earlier report history"));
    }

    private static void deleteRecursively(Path p) throws IOException {
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
