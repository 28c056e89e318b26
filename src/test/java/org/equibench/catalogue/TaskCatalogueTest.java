package org.equibench.catalogue;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.equibench.bench.BenchmarkSession;
import org.equibench.junit.BenchmarkTask;
import org.equibench.runner.Launcher;
import org.equibench.task.Task;
import org.equibench.task.Tasks;
import org.equibench.task.VectorApiReductions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each task and row is declared once, in its task class; these checks hold the other places to it: every task
 * has its conformance test class, and every declared row is one its language's runner implements.
 */
class TaskCatalogueTest {

    @Test
    void everyTaskHasItsConformanceTest() throws IOException {
        Path dir = Path.of("src/test/java/org/equibench/conformance");
        Set<String> covered = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = "org.equibench.conformance." + f.getFileName().toString().replace(".java", "");
                try {
                    Optional.ofNullable(Class.forName(name).getAnnotation(BenchmarkTask.class))
                            .ifPresent(a -> covered.add(newTask(a.value()).id()));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError(name, e);
                }
            }
        }
        assertThat(covered).as("tasks with a @BenchmarkTask test class in %s", dir)
                .containsExactlyInAnyOrderElementsOf(Tasks.all().stream().map(Task::id).toList());
    }

    /** A row on the Vector API rounds its reductions one way before C2 compiles a kernel and another after. */
    @Test
    void everyRowOnTheVectorApiDeclaresItsRepetitionsMayDiffer() {
        List<String> vectorApiRows = Tasks.all().stream().flatMap(t -> t.implementations().stream()
                .filter(i -> i.framework().contains("Vector API")).map(i -> t.id() + " " + i.id())).toList();
        assertThat(vectorApiRows).as("rows on the Vector API").isNotEmpty();
        for (Task t : Tasks.all()) {
            t.implementations().stream().filter(i -> i.framework().contains("Vector API")).forEach(i -> assertThat(
                    t.repetitionsMayDiffer(i)).as("%s %s", t.id(), i.id()).isEqualTo(VectorApiReductions.WHY));
        }
    }

    @ParameterizedTest(name = "{0} runner")
    @ValueSource(strings = {"java", "python", "rust"})
    void everyDeclaredRowIsKnownToItsRunner(String language) throws Exception {
        BenchmarkSession session = BenchmarkSession.current();
        Launcher launcher = session.launchers().forLanguage(language);
        Optional<String> unavailable = launcher.unavailableReason();
        if (unavailable.isPresent()) {
            assertThat(session.settings().requireAll()).as("%s runner unavailable with equibench.require=all: %s", language,
                    unavailable.get()).isFalse();
            Assumptions.abort(language + " runner unavailable: " + unavailable.get());
        }
        Set<String> declared = Tasks.all().stream()
                .flatMap(t -> t.implementations().stream().filter(i -> i.language().equals(language)).map(i -> t.runnerTask() + " " + i.id()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = new TreeSet<>();
        for (List<String> command : launcher.listCommands()) {
            listed.addAll(list(command, launcher));
        }
        assertThat(listed).as("pairs the %s runner implements (%s)", language, launcher.listCommands())
                .containsAll(declared);
        assertThat(declared).as("pairs the %s runner implements that no task declares", language).containsAll(listed);
    }

    private static List<String> list(List<String> command, Launcher launcher) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(launcher.workingDirectory().toFile()).redirectErrorStream(true);
        pb.environment().putAll(launcher.environment());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("runner --list finished").isTrue();
        assertThat(p.exitValue()).as("exit code of --list; output: %s", out).isZero();
        return out.lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    private static Task newTask(Class<? extends Task> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(type.getName(), e);
        }
    }
}
