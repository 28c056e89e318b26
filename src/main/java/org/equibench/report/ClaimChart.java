package org.equibench.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.equibench.report.charts.Band;
import org.equibench.report.charts.BandChart;
import org.equibench.report.charts.DrawnChart;
import org.equibench.report.charts.LabelledLogAxis;
import org.equibench.report.charts.Palette;
import org.equibench.task.Task;

/**
 * The claim audit ({@link ClaimAudit}) as a picture: per claim, the claimed range as a band and the ratio
 * measured here as a point with its 95% CI, green where consistent and vermillion where not.
 */
final class ClaimChart {
    static final String CONSISTENT = "consistent";

    private ClaimChart() {
    }

    static ChartImage of(Task task, String claimsName, ClaimAudit.Claims claims, List<ResultRow> rows) {
        List<Band> bands = new ArrayList<>();
        List<String> notDrawn = new ArrayList<>();
        Map<String, String> idByStatement = new HashMap<>();
        for (ClaimAudit.Verdict v : ClaimAudit.audit(claims, rows)) {
            ClaimAudit.Claim c = v.claim();
            if (!(v.measured() > 0) || Double.isInfinite(v.measured())) {
                notDrawn.add(c.id() + " (" + v.verdict() + ")");
                continue;
            }
            boolean consistent = CONSISTENT.equals(v.verdict());
            boolean time = c.quantity().equals("time");
            bands.add(new Band(c.statement(), c.claimedRange().get(0), c.claimedRange().get(1), v.measured(),
                    time ? v.ciLow() : Double.NaN, time ? v.ciHigh() : Double.NaN, consistent, Figures.ratio(v.measured())));
            idByStatement.put(c.statement(), c.id());
        }
        String title = task.id() + " — claims of " + claimsName + " against this run";
        BandChart chart = new BandChart(title)
                .subtitle("X ÷ " + claims.subject() + ", same quantity · log scale · grey: claimed range · "
                        + "point: measured here, whisker: 95% bootstrap CI (times)")
                .axis(LabelledLogAxis.ratio("ratio X ÷ " + claims.subject())).referenceLine(1).bands(bands)
                .verdicts("measured here: consistent", Palette.BLUISH_GREEN, "not consistent", Palette.VERMILLION);
        if (!notDrawn.isEmpty()) {
            chart.note(NotDrawn.note(notDrawn));
        }
        DrawnChart drawn = chart.render();
        List<String> drawnIds = drawn.drawn().stream().map(idByStatement::get).toList();
        return new ChartImage(ChartKind.CLAIMS, task.id(), "", null, title, drawn.png(), drawnIds, drawnIds.size(), notDrawn);
    }
}
