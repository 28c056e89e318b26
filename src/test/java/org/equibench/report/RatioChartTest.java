package org.equibench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.equibench.report.charts.Bar;
import org.equibench.task.ReportColumn;
import org.equibench.task.Task;
import org.equibench.task.Tasks;
import org.junit.jupiter.api.Test;

class RatioChartTest {
    private static final Task IRIS = Tasks.byId("iris-mlp").orElseThrow();
    private static final ReportColumn TRAIN = ReportColumn.time("Training time", "1000 epochs", "train");
    private static final List<ResultRow> ROWS = List.of(
            ChartRows.passed("rust/pure", 1e6, 1 << 20),
            ChartRows.passed("python/numpy", 10e6, 30 << 20),
            ChartRows.withStatus("python/sklearn", ResultRow.FAILED),
            ChartRows.passed("java/pure", 0.5e6, 20 << 20),
            ChartRows.withStatus("java/djl", ResultRow.ERROR));

    @Test
    void barsAreRatiosToTheBaselineSortedFromTheSmallest() {
        List<Bar> bars = RatioChart.bars(IRIS, TRAIN, ROWS).bars();
        assertThat(IRIS.baselineImpl()).isEqualTo("rust/pure");
        assertThat(bars).extracting(Bar::label).containsExactly("java/pure", "rust/pure", "python/numpy");
        assertThat(bars).extracting(Bar::value).isSortedAccordingTo(Double::compare);
        assertThat(bars.get(0).value()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(bars.get(0).valueLabel()).isEqualTo("0.50×");
        assertThat(bars.get(1).valueLabel()).isEqualTo("1× (baseline)");
        assertThat(bars.get(2).valueLabel()).isEqualTo("10×");
    }

    @Test
    void timeBarsCarryTheBootstrapIntervalOfTheTablesAsWhiskers() {
        List<Bar> bars = RatioChart.bars(IRIS, TRAIN, ROWS).bars();
        ResultRow rust = ROWS.get(0);
        ResultRow numpy = ROWS.get(1);
        double[] tableCi = ColumnValues.ratioCi95(TRAIN, numpy, rust);
        Bar numpyBar = bars.get(2);
        assertThat(numpyBar.hasInterval()).isTrue();
        assertThat(numpyBar.low()).isEqualTo(tableCi[0]);
        assertThat(numpyBar.high()).isEqualTo(tableCi[1]);
        assertThat(numpyBar.low()).isLessThanOrEqualTo(numpyBar.value()).isLessThan(numpyBar.high());
        assertThat(bars.get(0).hasInterval()).isTrue();
        assertThat(bars.get(1).hasInterval()).as("the baseline against itself").isFalse();
    }

    @Test
    void rowsThatDidNotPassAreListedNotDrawn() throws Exception {
        ChartImage chart = RatioChart.time(IRIS, TRAIN, ROWS);
        assertThat(chart.drawnRows()).as("what the renderer drew, top to bottom")
                .containsExactly("java/pure", "rust/pure", "python/numpy");
        assertThat(chart.bars()).isEqualTo(3);
        assertThat(chart.notDrawn()).containsExactly("python/sklearn (failed the equivalence gate)", "java/djl (error, no result)");
        var image = ImageIO.read(new ByteArrayInputStream(chart.png()));
        assertThat(image.getWidth()).isGreaterThan(400);
        assertThat(chart.fileStem()).isEqualTo("iris-mlp-time-ratio-train");
    }

    @Test
    void memoryBarsHaveNoIntervalBecauseEachRowHasOneFigure() {
        ReportColumn memory = TaskCharts.memoryColumn(IRIS);
        List<Bar> bars = RatioChart.bars(IRIS, memory, ROWS).bars();
        assertThat(bars).extracting(Bar::label).containsExactly("rust/pure", "java/pure", "python/numpy");
        assertThat(bars.get(2).value()).isEqualTo(30.0);
        assertThat(bars).noneMatch(Bar::hasInterval);
        assertThat(RatioChart.memory(IRIS, memory, ROWS).kind()).isEqualTo(ChartKind.MEMORY_RATIO);
    }

    @Test
    void withoutAPassedBaselineNothingIsDrawnAndEveryRowSaysWhy() {
        List<ResultRow> rows = List.of(ChartRows.passed("python/numpy", 1e6, 1), ChartRows.withStatus("rust/pure", ResultRow.FAILED));
        ChartImage chart = RatioChart.time(IRIS, TRAIN, rows);
        assertThat(chart.bars()).isZero();
        assertThat(chart.notDrawn()).containsExactly("python/numpy (no ratio: the baseline rust/pure has no figures)",
                "rust/pure (failed the equivalence gate)");
    }

    @Test
    void barsKeepTheirRowColourInEveryChart() {
        List<Bar> time = RatioChart.bars(IRIS, TRAIN, ROWS).bars();
        List<Bar> memory = RatioChart.bars(IRIS, TaskCharts.memoryColumn(IRIS), ROWS).bars();
        for (Bar b : time) {
            assertThat(memory).filteredOn(m -> m.label().equals(b.label())).extracting(Bar::colour).containsExactly(b.colour());
            assertThat(b.colour()).isEqualTo(RowColours.of(b.label()));
        }
    }
}
