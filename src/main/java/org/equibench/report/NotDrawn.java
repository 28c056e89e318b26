package org.equibench.report;

import java.util.List;

/** How a chart says which rows it left out: only rows that passed the equivalence gate have figures to draw. */
final class NotDrawn {
    private NotDrawn() {
    }

    static String why(ResultRow row) {
        return switch (row.status()) {
            case ResultRow.FAILED -> "failed the equivalence gate";
            case ResultRow.ERROR -> "error, no result";
            case ResultRow.SKIPPED -> "skipped, could not run";
            default -> row.status();
        };
    }

    /** The note printed under a chart, e.g. "Not drawn: java/djl (failed the equivalence gate)". */
    static String note(List<String> notDrawn) {
        return "Not drawn: " + String.join("; ", notDrawn);
    }
}
