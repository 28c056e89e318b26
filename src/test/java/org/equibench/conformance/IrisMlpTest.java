package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.IrisMlpTask;

/** The seed-000 benchmark: every implementation equivalent to the NumPy reference, then measured. */
@BenchmarkTask(IrisMlpTask.class)
class IrisMlpTest implements TaskConformance {
}
