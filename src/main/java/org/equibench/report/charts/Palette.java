package org.equibench.report.charts;

import java.awt.Color;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Colour-blind-safe colours (Okabe–Ito): one fixed colour per language family and, within a family, one shade
 * per row, so a row has the same colour in every chart of a report. A row is {@code language/framework}; its
 * shade is its place among the family's rows in alphabetical order.
 */
public final class Palette {
    public static final Color ORANGE = new Color(0xE69F00);
    public static final Color SKY_BLUE = new Color(0x56B4E9);
    public static final Color BLUISH_GREEN = new Color(0x009E73);
    public static final Color YELLOW = new Color(0xF0E442);
    public static final Color BLUE = new Color(0x0072B2);
    public static final Color VERMILLION = new Color(0xD55E00);
    public static final Color REDDISH_PURPLE = new Color(0xCC79A7);
    public static final Color GREY = new Color(0x999999);

    /** The language families; verdict colours (green, vermillion) and phase shading use the other hues. */
    private static final Map<String, Color> FAMILIES = Map.of("java", ORANGE, "python", BLUE, "rust", REDDISH_PURPLE);
    /** Shades from a family colour: itself, darker, lighter, darker still, lighter still. */
    private static final double[] SHADES = {0, -0.4, 0.45, -0.65, 0.7};

    private final Map<String, List<String>> rowsByFamily;

    private Palette(Map<String, List<String>> rowsByFamily) {
        this.rowsByFamily = rowsByFamily;
    }

    /** A palette over every row that can appear, e.g. each implementation of every task. */
    public static Palette of(Collection<String> rowIds) {
        Map<String, TreeSet<String>> sets = new TreeMap<>();
        rowIds.forEach(id -> sets.computeIfAbsent(family(id), k -> new TreeSet<>()).add(id));
        Map<String, List<String>> lists = new TreeMap<>();
        sets.forEach((family, ids) -> lists.put(family, List.copyOf(ids)));
        return new Palette(lists);
    }

    /** The language of a row id {@code language/framework}. */
    public static String family(String rowId) {
        int slash = rowId.indexOf('/');
        return slash < 0 ? rowId : rowId.substring(0, slash);
    }

    /** The fixed colour of a language family; grey for one this palette does not know. */
    public static Color familyColour(String language) {
        return FAMILIES.getOrDefault(language, GREY);
    }

    /** The row's shade of its family's colour (the family colour itself for a row the palette was not made with). */
    public Color row(String rowId) {
        List<String> members = rowsByFamily.getOrDefault(family(rowId), List.of());
        int index = Math.max(0, members.indexOf(rowId));
        return shade(familyColour(family(rowId)), index);
    }

    static Color shade(Color base, int index) {
        double t = SHADES[index % SHADES.length];
        Color towards = t < 0 ? Color.BLACK : Color.WHITE;
        double f = Math.abs(t);
        return new Color(mix(base.getRed(), towards.getRed(), f), mix(base.getGreen(), towards.getGreen(), f),
                mix(base.getBlue(), towards.getBlue(), f));
    }

    private static int mix(int from, int to, double f) {
        return (int) Math.round(from + (to - from) * f);
    }
}
