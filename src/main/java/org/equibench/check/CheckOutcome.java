package org.equibench.check;

/**
 * The verdict on one declared check: measured value vs tolerance, with the declared reason, and a problem
 * text when the output could not be compared at all (missing, wrong shape).
 */
public record CheckOutcome(String output, String reference, String metric, double value, double tolerance, String why,
                           boolean passed, String problem) {
}
