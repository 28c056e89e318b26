package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.equibench.data.Json;

/**
 * The results of one run as data: results/&lt;UTC timestamp&gt;-&lt;short sha&gt;.json, a copy as
 * results/latest.json, both written atomically; an older run's file is never overwritten.
 */
public record ResultsFile(int schema, RunInfo run, List<ResultRow> rows) {
    public static final int SCHEMA = 1;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    public static ResultsFile of(RunInfo run, List<ResultRow> rows) {
        return new ResultsFile(SCHEMA, run, rows);
    }

    /** Writes the timestamped file and latest.json; returns the timestamped file. */
    public Path write(Path resultsDir) throws IOException {
        Files.createDirectories(resultsDir);
        String sha = run.gitCommit() == null || run.gitCommit().isBlank() ? "nogit"
                : run.gitCommit().substring(0, Math.min(7, run.gitCommit().length()));
        String base = STAMP.format(Instant.parse(run.startedAt())) + "-" + sha;
        // The name is reserved by creating the file (which fails if it exists), so an earlier run's file, or that of a
        // run writing at the same moment, is never overwritten; then the content replaces the empty reservation at once.
        Path file = resultsDir.resolve(base + ".json");
        for (int i = 1; !reserve(file); i++) {
            file = resultsDir.resolve(base + "-" + i + ".json");
        }
        try {
            Json.writeAtomically(file, this);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file); // no empty file left to pass for a run (a full disk, say)
            throw e;
        }
        Json.writeAtomically(resultsDir.resolve("latest.json"), this);
        return file;
    }

    private static boolean reserve(Path file) throws IOException {
        try {
            Files.createFile(file);
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        }
    }

    public static ResultsFile read(Path file) throws IOException {
        return Json.read(file, ResultsFile.class);
    }
}
