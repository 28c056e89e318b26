package org.equibench.report;

import java.awt.Color;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.equibench.report.charts.Palette;
import org.equibench.task.Implementation;
import org.equibench.task.Tasks;

/** Each row's colour, the same in every chart: its language's colour, shaded by its place among that language's rows. */
public final class RowColours {
    private static final Palette PALETTE = Palette.of(Tasks.all().stream()
            .flatMap(t -> t.implementations().stream()).map(Implementation::id).distinct().toList());

    private RowColours() {
    }

    public static Color of(String implId) {
        return PALETTE.row(implId);
    }

    /** Legend entries: one per language family among these rows, named as a reader says it ("Python"). */
    public static Map<String, Color> families(Collection<String> implIds) {
        Map<String, Color> legend = new LinkedHashMap<>();
        implIds.stream().map(Palette::family).distinct().sorted().forEach(f ->
                legend.put(f.substring(0, 1).toUpperCase(Locale.ROOT) + f.substring(1), Palette.familyColour(f)));
        return legend;
    }
}
