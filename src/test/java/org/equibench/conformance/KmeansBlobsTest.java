package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.KmeansBlobsTask;

/** The k-means on blobs: shared-init rows reach the same fixed point, others the same partition. */
@BenchmarkTask(KmeansBlobsTask.class)
class KmeansBlobsTest implements TaskConformance {
}
