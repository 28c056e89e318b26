package org.equibench.junit;

import org.equibench.bench.BenchmarkSession;
import org.equibench.task.Task;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/** Selects, runs and hands out a task's bench for a {@link BenchmarkTask} class. */
public final class TaskBenchExtension implements ExecutionCondition, BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(TaskBenchExtension.class);

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        Task task = task(context);
        var settings = BenchmarkSession.current().settings();
        if (!settings.selectsTask(task.id())) {
            return ConditionEvaluationResult.disabled("task " + task.id() + " not selected by equibench.tasks");
        }
        // Selectors that match nothing at all fail in SelectionTest; a task none of whose rows is selected is off.
        return task.implementations().stream().anyMatch(i -> settings.selectsImpl(i.id()))
                ? ConditionEvaluationResult.enabled("task " + task.id() + " selected")
                : ConditionEvaluationResult.disabled("no implementation of " + task.id() + " selected by equibench.impls");
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        bench(context).runAll();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == TaskBench.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return bench(context);
    }

    static TaskBench bench(ExtensionContext context) {
        return classContext(context).getStore(NS).getOrComputeIfAbsent(TaskBench.class,
                k -> new TaskBench(task(context), BenchmarkSession.current()), TaskBench.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        // a row invocation's parent is the parameterized method; the class context is the first without a method
        ExtensionContext c = context;
        while (c.getTestMethod().isPresent()) {
            c = c.getParent().orElseThrow();
        }
        return c;
    }

    static Task task(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        BenchmarkTask annotation = AnnotationSupport.findAnnotation(testClass, BenchmarkTask.class)
                .orElseThrow(() -> new IllegalStateException(testClass + " lacks @BenchmarkTask"));
        try {
            return annotation.value().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create task " + annotation.value(), e);
        }
    }
}
