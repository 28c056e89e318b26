package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.LinregCaliforniaTask;

/** The OLS on California Housing: exact solutions agree, then fit and predict are measured. */
@BenchmarkTask(LinregCaliforniaTask.class)
class LinregCaliforniaTest implements TaskConformance {
}
