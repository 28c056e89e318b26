package org.equibench.report;

import java.util.Map;

/** When, where and at which commit a run happened. */
public record RunInfo(String startedAt, String gitCommit, String scale, Map<String, Object> host) {
}
