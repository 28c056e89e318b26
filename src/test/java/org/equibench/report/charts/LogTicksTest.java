package org.equibench.report.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LogTicksTest {
    @Test
    void ratioTicksAreOneTheDecadesAndTheHalvesAndDoublesBesideOne() {
        assertThat(LogTicks.ratios(0.005, 200)).containsExactly(0.01, 0.1, 0.5, 1.0, 2.0, 10.0, 100.0);
        assertThat(LabelledLogAxis.ratio("r").tickLabels(0.005, 200))
                .containsExactly("0.01×", "0.1×", "0.5×", "1×", "2×", "10×", "100×");
    }

    @Test
    void aNarrowRatioAxisGetsEveryOneTwoAndFive() {
        assertThat(LabelledLogAxis.ratio("r").tickLabels(0.4, 2.5)).containsExactly("0.5×", "1×", "2×");
        assertThat(LogTicks.ratios(0.15, 12)).containsExactly(0.2, 0.5, 1.0, 2.0, 5.0, 10.0);
    }

    @Test
    void timeTicksAreHumanUnitsNotFractionalPowersOfTen() {
        List<String> labels = LabelledLogAxis.time("t").tickLabels(50, 2e9);
        assertThat(labels).containsExactly("100 ns", "1 µs", "10 µs", "100 µs", "1 ms", "10 ms", "100 ms", "1 s");
        assertThat(labels).noneMatch(l -> l.contains("^") || l.contains("E") || l.contains("10^"));
    }

    @Test
    void aTimeAxisWithinOneDecadeStillHasThreeTicks() {
        assertThat(LabelledLogAxis.time("t").tickLabels(300, 2500)).containsExactly("500 ns", "1 µs", "2 µs");
    }

    @Test
    void tickValuesAreExactRoundNumbers() {
        assertThat(LogTicks.between(0.001, 0.5, 1, 2, 5)).contains(0.002, 0.005, 0.2);
        assertThat(TickLabels.plain(0.3)).isEqualTo("0.3");
        assertThat(TickLabels.time(1e9)).isEqualTo("1 s");
    }

    @Test
    void aCentredRangeIsSymmetricAroundOneWithRoomForLabels() {
        var r = LogRange.centred(1, List.of(0.5, 20.0));
        assertThat(r.getLowerBound() * r.getUpperBound()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(r.getUpperBound()).isGreaterThan(20);
        assertThat(LogRange.centred(1, List.of(1.1)).getUpperBound()).as("never narrower than 2.5×").isGreaterThanOrEqualTo(2.5);
    }
}
