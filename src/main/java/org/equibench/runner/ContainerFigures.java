package org.equibench.runner;

/**
 * What a row's container added to its run (-Dequibench.runtime=container): the image, the limits every container of
 * the run gets, how long the container took to start before the runner ran (reported apart from the row's phases),
 * and the memory figure of the container's cgroup ({@code memory.peak}, or {@code memory.max_usage_in_bytes} on
 * cgroup v1: the runner and anything it started, page cache included), beside the in-process figures.
 */
public record ContainerFigures(String image, String limits, long startupNs, long cgroupPeakBytes, String cgroupVersion,
                               int oomKills) {
}
