package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskConformance;
import org.equibench.task.SvmDigitsBindingCTask;

/** svm-digits where C binds (C = 0.001): a row that ignored C would fail here. */
@BenchmarkTask(SvmDigitsBindingCTask.class)
class SvmDigitsBindingCTest implements TaskConformance {
}
