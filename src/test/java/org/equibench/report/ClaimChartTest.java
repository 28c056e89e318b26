package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.equibench.task.Tasks;
import org.junit.jupiter.api.Test;

class ClaimChartTest {
    @Test
    void eachMeasuredClaimIsAPointAndAnUnmeasuredOneIsListed() {
        var consistent = new ClaimAudit.Claim("train-numpy", "training ~10× faster than NumPy", "time", "train", "python/numpy",
                10, List.of(8.0, 12.0), 9.5);
        var tooHigh = new ClaimAudit.Claim("train-java", "training ~100× faster than Java", "time", "train", "java/pure",
                100, List.of(80.0, 120.0), 100);
        var missing = new ClaimAudit.Claim("train-sklearn", "training ~10× faster than scikit-learn", "time", "train",
                "python/sklearn", 10, List.of(8.0, 12.0), 10);
        var claims = new ClaimAudit.Claims("seed", "iris-mlp", "rust/pure", "java/pure", "", "",
                List.of(consistent, tooHigh, missing), List.of());
        List<ResultRow> rows = List.of(ChartRows.passed("rust/pure", 1e6, 1), ChartRows.passed("python/numpy", 10e6, 1),
                ChartRows.passed("java/pure", 2e6, 1), ChartRows.withStatus("python/sklearn", ResultRow.FAILED));
        ChartImage chart = ClaimChart.of(Tasks.byId("iris-mlp").orElseThrow(), "seed-000", claims, rows);
        assertThat(chart.kind()).isEqualTo(ChartKind.CLAIMS);
        assertThat(chart.drawnRows()).containsExactly("train-numpy", "train-java");
        assertThat(chart.bars()).isEqualTo(2);
        assertThat(chart.notDrawn()).singleElement().asString().startsWith("train-sklearn (not measured");
        assertThat(chart.fileStem()).isEqualTo("iris-mlp-claims");
    }
}
