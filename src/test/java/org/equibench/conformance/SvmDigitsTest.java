package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.SvmDigitsTask;

/** The linear SVM on Digits: libsvm rows agree closely, other solvers at algorithm level. */
@BenchmarkTask(SvmDigitsTask.class)
class SvmDigitsTest implements TaskConformance {
}
