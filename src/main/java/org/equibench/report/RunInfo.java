package org.equibench.report;

import java.util.Map;

/**
 * When, where and at which commit a run happened; {@code interrupted} says why a run stopped before all its rows
 * ran (null for a run that ended).
 */
public record RunInfo(String startedAt, String gitCommit, String scale, Map<String, Object> host, String interrupted) {

    public RunInfo(String startedAt, String gitCommit, String scale, Map<String, Object> host) {
        this(startedAt, gitCommit, scale, host, null);
    }

    /** The same run, marked as stopped before it ended. */
    public RunInfo interruptedBy(String why) {
        return new RunInfo(startedAt, gitCommit, scale, host, why);
    }
}
