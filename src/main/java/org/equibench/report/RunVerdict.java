package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equibench.data.Json;

/**
 * What a run's rows came to, written next to its work files: the main job reads it after every report is
 * written, and exits non-zero naming the rows that failed (the benchmark profile keeps Maven going past them).
 */
public record RunVerdict(String resultsFile, int rows, List<FailedRow> failed) {

    public record FailedRow(String task, String impl, String status, String reason) {
    }

    public static RunVerdict of(Path resultsFile, List<ResultRow> rows) {
        List<FailedRow> failed = rows.stream()
                .filter(r -> r.status().equals(ResultRow.ERROR) || r.status().equals(ResultRow.FAILED))
                .map(r -> new FailedRow(r.task(), r.impl(), r.status(), r.reason()))
                .toList();
        return new RunVerdict(resultsFile.toString(), rows.size(), failed);
    }

    public static Path file(Path workDir) {
        return workDir.resolve("verdict.json");
    }

    public void write(Path workDir) throws IOException {
        Json.writeAtomically(file(workDir), this);
    }

    public static RunVerdict read(Path workDir) throws IOException {
        return Json.read(file(workDir), RunVerdict.class);
    }
}
