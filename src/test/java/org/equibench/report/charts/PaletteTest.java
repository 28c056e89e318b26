package org.equibench.report.charts;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaletteTest {
    private static final List<String> ROWS = List.of("python/numpy", "java/pure", "rust/pure", "python/sklearn", "java/djl",
            "rust/linfa", "java/tribuo");

    @Test
    void eachLanguageHasOneFixedOkabeItoColour() {
        assertThat(Palette.familyColour("java")).isEqualTo(new Color(0xE69F00));
        assertThat(Palette.familyColour("python")).isEqualTo(new Color(0x0072B2));
        assertThat(Palette.familyColour("rust")).isEqualTo(new Color(0xCC79A7));
        assertThat(Palette.familyColour("cobol")).isEqualTo(Palette.GREY);
    }

    @Test
    void aRowHasTheSameColourWhateverOrderThePaletteWasBuiltIn() {
        Palette a = Palette.of(ROWS);
        List<String> reversed = new java.util.ArrayList<>(ROWS);
        java.util.Collections.reverse(reversed);
        Palette b = Palette.of(reversed);
        for (String row : ROWS) {
            assertThat(a.row(row)).as(row).isEqualTo(b.row(row));
        }
    }

    @Test
    void rowsOfOneLanguageAreShadesOfItsColourAndDistinct() {
        Palette p = Palette.of(ROWS);
        List<Color> java = List.of(p.row("java/djl"), p.row("java/pure"), p.row("java/tribuo"));
        assertThat(java).doesNotHaveDuplicates();
        assertThat(java.get(0)).as("the first row of a family has the family colour").isEqualTo(Palette.familyColour("java"));
        for (Color c : java) {
            float[] hsb = Color.RGBtoHSB(c.getRed(), c.getGreen(), c.getBlue(), null);
            float[] base = Color.RGBtoHSB(0xE6, 0x9F, 0x00, null);
            assertThat(hsb[0]).as("hue of " + c).isCloseTo(base[0], org.assertj.core.data.Offset.offset(0.02f));
        }
        assertThat(p.row("python/numpy")).isNotEqualTo(p.row("java/djl"));
    }
}
