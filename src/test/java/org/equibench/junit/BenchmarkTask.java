package org.equibench.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.equibench.task.Task;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a conformance test class for one task: the task's rows are run once (each in its own process)
 * before the class's tests, and test methods receive a {@link TaskBench}. Implement {@link TaskConformance}
 * for the standard tests.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(TaskBenchExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public @interface BenchmarkTask {
    Class<? extends Task> value();
}
