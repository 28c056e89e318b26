package org.equibench.report;

import java.util.List;

/**
 * One rendered chart of a task: its kind, the figure it shows ({@code phase}, and {@code per} for a time per
 * metric such as per iteration), the PNG, the rows drawn, the number of bars (or points) drawn, and the rows
 * left out with the reason.
 */
public record ChartImage(ChartKind kind, String task, String phase, String per, String title, byte[] png,
                         List<String> drawnRows, int bars, List<String> notDrawn) {

    /** File name without extension, e.g. {@code iris-mlp-time-ratio-train} or {@code kmeans-blobs-time-ratio-fit-per-n_iter}. */
    public String fileStem() {
        StringBuilder s = new StringBuilder(task).append('-').append(kind.id());
        if (phase != null && !phase.isBlank()) {
            s.append('-').append(phase);
        }
        if (per != null && !per.isBlank()) {
            s.append("-per-").append(per);
        }
        return s.toString().replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
