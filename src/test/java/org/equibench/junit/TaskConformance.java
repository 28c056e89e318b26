package org.equibench.junit;

import org.equibench.task.Implementation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ArgumentsSource;

/**
 * The tests every task gets (a JUnit test interface): the golden is current, each selected row is
 * equivalent to the reference before it is measured, and every selected row reached the results with a
 * verdict, and with every phase's figures when it passed.
 */
public interface TaskConformance {

    @Test
    @Order(1)
    default void goldenReferenceMatchesTheCurrentSpec(TaskBench bench) throws Exception {
        bench.assertGoldenCurrent();
    }

    @ParameterizedTest(name = "{0}")
    @ArgumentsSource(TaskImplementations.class)
    @Order(2)
    default void equivalentThenMeasured(Implementation impl, TaskBench bench) {
        bench.verifyThenMeasure(impl);
    }

    @Test
    @Order(3)
    default void everySelectedRowIsReported(TaskBench bench) throws Exception {
        bench.summarize();
    }
}
