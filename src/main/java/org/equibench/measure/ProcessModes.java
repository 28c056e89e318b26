package org.equibench.measure;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whether a row's processes fall into separate modes: sorted by their medians, two groups split by a gap of more
 * than {@link #GAP}× (a JVM whose JIT settled into a fast or a slow mode, a machine that changed speed between
 * processes). Such a row's pooled median depends on how many processes landed in each mode.
 */
public final class ProcessModes {
    /** Medians of processes in one mode are closer than this; the run-to-run spread of one process is far below it. */
    public static final double GAP = 1.25;

    private ProcessModes() {
    }

    /** One mode: the median of its processes' medians, and how many processes it has. */
    public record Mode(double centreNs, int processes) {
    }

    /** The two modes, lower first, or an empty list when the processes form one group. */
    public static List<Mode> of(double[] processMedians) {
        if (processMedians.length < 2) {
            return List.of();
        }
        double[] sorted = processMedians.clone();
        Arrays.sort(sorted);
        int split = -1;
        double widest = GAP;
        for (int i = 1; i < sorted.length; i++) {
            double gap = sorted[i] / sorted[i - 1];
            if (gap > widest) {
                widest = gap;
                split = i;
            }
        }
        if (split < 0) {
            return List.of();
        }
        List<Mode> modes = new ArrayList<>();
        modes.add(new Mode(Statistics.median(Arrays.copyOfRange(sorted, 0, split)), split));
        modes.add(new Mode(Statistics.median(Arrays.copyOfRange(sorted, split, sorted.length)), sorted.length - split));
        return modes;
    }
}
