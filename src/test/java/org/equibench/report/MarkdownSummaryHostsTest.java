package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.equibench.measure.ProcessHost;
import org.equibench.task.IrisMlpTask;
import org.junit.jupiter.api.Test;

/** A run spread over several nodes says where each process ran, and flags a row whose processes saw two CPU models. */
class MarkdownSummaryHostsTest {
    private static final ProcessHost EPYC_1 = new ProcessHost("node1", "AMD EPYC 9654");
    private static final ProcessHost EPYC_2 = new ProcessHost("node2", "AMD EPYC 9654");
    private static final ProcessHost XEON = new ProcessHost("node3", "Intel(R) Xeon(R) Gold 6338");

    private static ResultRow on(String impl, ProcessHost... hosts) {
        ResultRow r = ChartRows.passed(impl, 1e6, 1 << 20);
        return new ResultRow(r.task(), r.impl(), r.language(), r.framework(), r.dtype(), r.threads(), r.device(), r.status(),
                r.reason(), r.reference(), r.dataset(), r.note(), r.equivalence(), r.manifestDifferences(), r.metrics(),
                r.phases(), r.process(), r.cold(), r.runtime(), r.environment(), List.of(hosts), r.spec());
    }

    private static String summary(ResultRow... rows) {
        return MarkdownSummary.render(new ResultsFile(1, new RunInfo("2026-01-01T00:00:00Z", "abc", "ci", Map.of()),
                List.of(rows)), List.of(new IrisMlpTask()));
    }

    @Test
    void processesOnSeveralNodesAreListedAndMixedCpuModelsFlagged() {
        String md = summary(on("python/numpy", EPYC_1, EPYC_2), on("java/pure", EPYC_1, XEON));
        assertThat(md).contains("- Processes ran on: `python/numpy` node1, node2; `java/pure` node1, node3;")
                .contains("**Warning:** the processes of `java/pure` ran on different CPU models (AMD EPYC 9654; "
                        + "Intel(R) Xeon(R) Gold 6338)")
                .doesNotContain("the processes of `python/numpy` ran on different");
    }

    @Test
    void aRunOnOneMachineSaysNothingOfHosts() {
        String md = summary(on("python/numpy", EPYC_1, EPYC_1), on("java/pure", EPYC_1));
        assertThat(md).doesNotContain("Processes ran on").doesNotContain("**Warning:**");
    }
}
