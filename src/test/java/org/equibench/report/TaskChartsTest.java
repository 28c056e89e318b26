package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.equibench.task.ReportColumn;
import org.equibench.task.Tasks;
import org.junit.jupiter.api.Test;

class TaskChartsTest {
    @Test
    void everyPhaseHasATimeRatioChartAndTimesPerMetricToo() {
        List<ReportColumn> kmeans = TaskCharts.timeColumns(Tasks.byId("kmeans-blobs").orElseThrow());
        assertThat(kmeans).extracting(c -> c.key() + (c.perMetric() == null ? "" : "/" + c.perMetric()))
                .containsExactly("fit", "fit/n_iter", "predict_batch", "load");
    }

    @Test
    void aTaskGetsTimeRatiosMemoryClaimsAndMediansWithDistinctFileNames() {
        List<ResultRow> rows = List.of(ChartRows.passed("rust/pure", 1e6, 1 << 20), ChartRows.passed("python/numpy", 5e6, 2 << 20),
                ChartRows.withStatus("java/djl", ResultRow.SKIPPED));
        List<ChartImage> charts = TaskCharts.of(Tasks.byId("iris-mlp").orElseThrow(), rows, Path.of("."));
        assertThat(charts).extracting(ChartImage::kind).containsExactly(ChartKind.TIME_RATIO, ChartKind.TIME_RATIO,
                ChartKind.TIME_RATIO, ChartKind.TIME_RATIO, ChartKind.MEMORY_RATIO, ChartKind.CLAIMS, ChartKind.MEDIANS);
        assertThat(charts).extracting(ChartImage::fileStem).doesNotHaveDuplicates();
        ChartImage medians = charts.get(charts.size() - 1);
        assertThat(medians.drawnRows()).containsExactly("rust/pure", "python/numpy");
        assertThat(medians.bars()).as("two rows × four phases").isEqualTo(8);
        assertThat(medians.notDrawn()).containsExactly("java/djl (skipped, could not run)");
    }

    @Test
    void theHtmlImgSaysWhatItDrew() {
        List<ResultRow> rows = List.of(ChartRows.passed("rust/pure", 1e6, 1), ChartRows.passed("python/numpy", 5e6, 2),
                ChartRows.withStatus("java/djl", ResultRow.FAILED));
        ChartImage chart = RatioChart.time(Tasks.byId("iris-mlp").orElseThrow(),
                ReportColumn.time("Training time", "1000 epochs", "train"), rows);
        String img = ChartSection.img(chart);
        assertThat(img).contains("data-chart-kind=\"time-ratio\"", "data-task=\"iris-mlp\"", "data-phase=\"train\"",
                "data-bars=\"2\"", "data-rows=\"rust/pure,python/numpy\"", "data-not-drawn=\"java/djl (failed the equivalence gate)\"",
                "src=\"data:image/png;base64,");
        assertThat(HtmlPage.render("# results\n", List.of(chart))).contains("<h3 id=\"charts-iris-mlp\">", img);
    }
}
