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

    @Test
    void aPhaseWhoseProcessesFallIntoTwoModesIsFlaggedWithEachProcesssMedian() {
        java.util.List<Long> samples = new java.util.ArrayList<>();
        for (long centre : new long[] {13_000_000, 13_200_000, 20_500_000}) {
            for (int i = 0; i < 4; i++) {
                samples.add(centre + i * 1000);
            }
        }
        PhaseStats train = PhaseStats.of(new org.equibench.protocol.RunResult.PhaseSamples(1, 1, samples, 1L, 2L, true, null, null),
                List.of(4, 4, 4));
        ResultRow r = on("java/pure", EPYC_1);
        ResultRow bimodal = new ResultRow(r.task(), r.impl(), r.language(), r.framework(), r.dtype(), r.threads(), r.device(),
                r.status(), r.reason(), r.reference(), r.dataset(), r.note(), r.equivalence(), r.manifestDifferences(), r.metrics(),
                Map.of("train", train), r.process(), r.cold(), r.runtime(), r.environment(), r.hosts(), r.spec());
        assertThat(train.processMediansNs()).hasSize(3);
        assertThat(summary(bimodal, on("python/numpy", EPYC_1))).contains("**Warning:** the processes of `java/pure` fall into "
                + "two modes in train: 13.10 ms (2 processes) and 20.50 ms (1 process) (per-process medians 13.00 ms, 13.20 ms, "
                + "20.50 ms)");
    }
}
