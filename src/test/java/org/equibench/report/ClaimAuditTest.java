package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.RunResult.PhaseSamples;
import org.junit.jupiter.api.Test;

class ClaimAuditTest {
    private static ResultRow row(String impl, double trainNs, long peakRss) {
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            samples.add((long) (trainNs * (1 + 0.001 * (i % 5))));
        }
        PhaseStats train = PhaseStats.of(new PhaseSamples(1, 1, samples, 1L, peakRss, true, null, null));
        return new ResultRow("iris-mlp", impl, "x", "x", "f64", 1, "cpu", "passed", "", "ref", "d", "", List.of(), List.of(),
                Map.of("train_accuracy", 0.9, "test_accuracy", 0.9), Map.of("train", train), null, null, Map.of(), Map.of(), List.of(), null);
    }

    private static ClaimAudit.Claims claims(ClaimAudit.Claim... c) {
        return new ClaimAudit.Claims("seed", "iris-mlp", "rust/pure", "java/pure", "", "", List.of(c), List.of());
    }

    @Test
    void verdictFollowsTheConfidenceIntervalAgainstTheClaimedRange() {
        var claim = new ClaimAudit.Claim("t", "training ~10× faster", "time", "train", "python/numpy", 10, List.of(8.0, 12.0), 9.5);
        List<ResultRow> consistent = List.of(row("rust/pure", 1e6, 1), row("python/numpy", 10e6, 1), row("java/pure", 2e6, 1));
        ClaimAudit.Verdict v = ClaimAudit.audit(claims(claim), consistent).get(0);
        assertThat(v.verdict()).isEqualTo("consistent");
        assertThat(v.measured()).isCloseTo(10, org.assertj.core.data.Offset.offset(0.01));
        assertThat(v.alsoShowRatio()).isCloseTo(5, org.assertj.core.data.Offset.offset(0.01));
        assertThat(ClaimAudit.audit(claims(claim), List.of(row("rust/pure", 1e6, 1), row("python/numpy", 7e6, 1))).get(0).verdict())
                .isEqualTo("not consistent: smaller here");
        assertThat(ClaimAudit.audit(claims(claim), List.of(row("rust/pure", 1e6, 1), row("python/numpy", 0.5e6, 1))).get(0).verdict())
                .startsWith("not consistent: rust/pure is not ahead");
        assertThat(ClaimAudit.audit(claims(claim), List.of(row("rust/pure", 1e6, 1))).get(0).verdict())
                .startsWith("not measured");
    }

    @Test
    void theCommittedSeedClaimsParse() throws Exception {
        ClaimAudit.Claims c = ClaimAudit.read(Path.of("data/claims/seed-000.json"));
        assertThat(c.claims()).hasSizeGreaterThanOrEqualTo(10)
                .allSatisfy(x -> assertThat(x.claimedRange()).hasSize(2));
        assertThat(c.accuracy()).isNotEmpty();
    }

    @Test
    void saysWhichCpuItsVerdictsHoldFor() {
        ResultRow r = row("rust/pure", 1e6, 1);
        ResultRow onEpyc = new ResultRow(r.task(), r.impl(), r.language(), r.framework(), r.dtype(), r.threads(), r.device(),
                r.status(), r.reason(), r.reference(), r.dataset(), r.note(), r.equivalence(), r.manifestDifferences(), r.metrics(),
                r.phases(), r.process(), r.cold(), r.runtime(), r.environment(),
                List.of(new org.equibench.measure.ProcessHost("node1", "AMD EPYC 9654")), r.spec());
        assertThat(ClaimAudit.measuredOn(List.of(onEpyc, row("python/numpy", 1e6, 1)))).contains("`AMD EPYC 9654`");
        assertThat(ClaimAudit.measuredOn(List.of(row("python/numpy", 1e6, 1)))).contains("do not record the CPU");
    }
}
