package org.equibench.junit;

import java.util.stream.Stream;
import org.equibench.bench.BenchmarkSession;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.ArgumentsProvider;
import org.junit.jupiter.params.support.ParameterDeclarations;

/** The parameters of a row test: the task's implementations selected by equibench.impls. */
public final class TaskImplementations implements ArgumentsProvider {
    @Override
    public Stream<? extends Arguments> provideArguments(ParameterDeclarations parameters, ExtensionContext context) {
        var settings = BenchmarkSession.current().settings();
        return TaskBenchExtension.task(context).implementations().stream()
                .filter(i -> settings.selectsImpl(i.id()))
                .map(Arguments::of);
    }
}
