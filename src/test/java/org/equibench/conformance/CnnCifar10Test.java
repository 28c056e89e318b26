package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.CnnCifar10Task;

/** CNN training: the first steps identical in f64 in every row, the f32 run within rounding, accuracy level after. */
@BenchmarkTask(CnnCifar10Task.class)
class CnnCifar10Test implements TaskConformance {
}
