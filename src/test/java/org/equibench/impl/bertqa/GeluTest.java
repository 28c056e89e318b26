package org.equibench.impl.bertqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The erf GELU of java/jlama against reference values (Python's math.erf). */
class GeluTest {

    @Test
    void erfMatchesReferenceValuesOnBothSidesOfTheSeriesLimit() {
        double[][] cases = {
            {0.0, 0.0}, {0.1, 0.1124629160182849}, {0.5, 0.5204998778130465}, {1.0, 0.8427007929497149},
            {2.0, 0.9953222650189527}, {2.4999, 0.9995928300996666}, {2.5, 0.9995930479825550}, {3.0, 0.9999779095030014},
            {4.0, 0.9999999845827421}, {5.9, 0.9999999999999999}, {-1.0, -0.8427007929497149}, {-3.0, -0.9999779095030014},
        };
        for (double[] c : cases) {
            assertThat(Gelu.erf(c[0])).as("erf(%s)", c[0]).isCloseTo(c[1], within(1e-14));
        }
    }

    @Test
    void geluIsTheErfFormNotTheTanhApproximation() {
        // GELU(1) = 0.841344746; the tanh approximation gives 0.841191990
        assertThat(Gelu.gelu(1f)).isCloseTo(0.8413447460685429f, within(1e-7f));
        assertThat(Gelu.gelu(-3f)).isCloseTo(-0.0040496941f, within(1e-9f));
        assertThat(Gelu.gelu(10f)).isEqualTo(10f);
    }
}
