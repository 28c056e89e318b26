package org.equibench.impl.core;

/**
 * A failure reported by its message alone (bad spec, bad input), worded as the Python and Rust runners word it;
 * any other exception is reported with its type, as a bug would be.
 */
public final class RunnerError extends RuntimeException {
    public RunnerError(String message) {
        super(message);
    }

    public RunnerError(String message, Throwable cause) {
        super(message, cause);
    }
}
