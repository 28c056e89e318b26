package org.equibench.report.charts;

/**
 * One line of a {@link BandChart}: an expected range drawn as a band, and a measured value with its interval
 * (NaN where there is none) drawn as a point whose colour and shape say whether it {@code agrees}.
 */
public record Band(String label, double bandLow, double bandHigh, double value, double low, double high, boolean agrees,
                   String valueLabel) {

    public boolean hasInterval() {
        return Double.isFinite(low) && Double.isFinite(high) && low > 0 && high > 0;
    }
}
