package org.equibench.check;

/**
 * The verdict on one declared check: measured value vs tolerance, with the declared reason, and a problem
 * text when the output could not be compared at all (missing, wrong shape). {@code note} says what a passing
 * value hides, such as the declared near-ties of a token sequence (null when nothing).
 */
public record CheckOutcome(String output, String reference, String metric, double value, double tolerance, String why,
                           boolean passed, String problem, String note) {

    public CheckOutcome(String output, String reference, String metric, double value, double tolerance, String why,
                        boolean passed, String problem) {
        this(output, reference, metric, value, tolerance, why, passed, problem, null);
    }
}
