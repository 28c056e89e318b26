package org.equibench.conformance;

import org.equibench.junit.BenchmarkTask;
import org.equibench.junit.TaskBench;
import org.equibench.junit.TaskImplementations;
import org.equibench.task.Implementation;
import org.equibench.task.IrisMlpTask;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/** The seed-000 benchmark: every implementation equivalent to the NumPy reference, then measured. */
@BenchmarkTask(IrisMlpTask.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IrisMlpTest {

    @Test
    @Order(1)
    void goldenReferenceMatchesTheCurrentSpec(TaskBench bench) throws Exception {
        bench.assertGoldenCurrent();
    }

    @ParameterizedTest(name = "{0}", allowZeroInvocations = true)
    @ArgumentsSource(TaskImplementations.class)
    @Order(2)
    void equivalentThenMeasured(Implementation impl, TaskBench bench) {
        bench.verifyThenMeasure(impl);
    }

    @Test
    @Order(3)
    void everySelectedRowIsReported(TaskBench bench) {
        bench.summarize();
    }
}
