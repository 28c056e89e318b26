package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.equibench.task.IrisMlpTask;
import org.junit.jupiter.api.Test;

/** A run on a GPU shows where each row computed in a column of its own; a cpu-only run has no such column. */
class MarkdownSummaryDeviceTest {
    private static ResultRow onDevice(ResultRow r, String device) {
        return new ResultRow(r.task(), r.impl(), r.language(), r.framework(), r.dtype(), r.threads(), device, r.status(),
                r.reason(), r.reference(), r.dataset(), r.note(), r.equivalence(), r.manifestDifferences(), r.metrics(),
                r.phases(), r.process(), r.cold(), r.runtime(), r.environment(), r.hosts(), r.spec());
    }

    private static String summary(ResultRow... rows) {
        return MarkdownSummary.render(new ResultsFile(1, new RunInfo("2026-01-01T00:00:00Z", "abc", "ci", Map.of()),
                List.of(rows)), List.of(new IrisMlpTask()));
    }

    @Test
    void aGpuRunHasADeviceColumn() {
        String md = summary(onDevice(ChartRows.passed("python/numpy", 1e6, 1 << 20), "cuda"),
                ChartRows.passed("java/pure", 2e6, 1 << 20));
        assertThat(md).contains("| implementation | device |").contains("| python/numpy | cuda |")
                .contains("| java/pure | cpu |").contains("`python/numpy` passed (f64, 1 thread, on cuda)");
    }

    @Test
    void aCpuRunHasNone() {
        String md = summary(ChartRows.passed("python/numpy", 1e6, 1 << 20), ChartRows.passed("java/pure", 2e6, 1 << 20));
        assertThat(md).doesNotContain("| device |").contains("`python/numpy` passed (f64, 1 thread)");
    }

    @Test
    void resultsWrittenBeforeRowsHadADeviceReadAsCpu() {
        assertThat(onDevice(ChartRows.passed("java/pure", 1e6, 1), null).device()).isEqualTo("cpu");
    }
}
