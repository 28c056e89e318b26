package org.equibench.ci;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.equibench.report.AllureResultsPreparation;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The GitHub Actions workflow cannot run here, so this test reads it and checks that its steps point at things
 * that exist: the CI script that runs the README's test command, the report folder the build writes, the
 * history folder the build reads back, and pinned action versions.
 */
class CiWorkflowTest {
    private static final Path WORKFLOW = Path.of(".github/workflows/equibench.yml");

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> steps() throws IOException {
        Map<String, Object> wf = new Yaml().load(Files.readString(WORKFLOW));
        Map<String, Object> jobs = (Map<String, Object>) wf.get("jobs");
        assertThat(jobs).as("jobs").hasSize(1);
        Map<String, Object> job = (Map<String, Object>) jobs.values().iterator().next();
        return (List<Map<String, Object>>) job.get("steps");
    }

    @Test
    @SuppressWarnings("unchecked")
    void runsOnEveryPush() throws IOException {
        Map<Object, Object> wf = new Yaml().load(Files.readString(WORKFLOW));
        // YAML 1.1 reads the key "on" as the boolean true
        Object on = wf.containsKey("on") ? wf.get("on") : wf.get(Boolean.TRUE);
        assertThat(on).isInstanceOf(Map.class);
        assertThat(((Map<String, Object>) on)).containsKey("push");
    }

    @Test
    void runsTheReadmeTestCommandThroughTheCiScript() throws IOException {
        List<String> runs = steps().stream().map(s -> (String) s.get("run")).filter(r -> r != null).toList();
        assertThat(runs).anySatisfy(r -> assertThat(r.trim()).isEqualTo("bash .ci/run"));
        Path script = Path.of(".ci/run");
        assertThat(Files.isExecutable(script)).as(".ci/run is executable").isTrue();
        String ci = Files.readString(script);
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).contains("| `mvn verify` |");
        assertThat(ci).contains("mvn -B --no-transfer-progress verify -Dequibench.require=all");
    }

    @Test
    void publishesTheReportTheBuildWritesAndRestoresItsHistoryWhereTheBuildReadsIt() throws IOException {
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<reportDirectory>${project.build.directory}/allure-report-full</reportDirectory>");
        assertThat(AllureResultsPreparation.FULL_REPORT).isEqualTo("target/allure-report-full");
        List<Map<String, Object>> steps = steps();
        assertThat(steps).anySatisfy(s -> {
            assertThat(String.valueOf(s.get("uses"))).startsWith("peaceiris/actions-gh-pages@");
            assertThat(((Map<?, ?>) s.get("with")).get("publish_dir")).isEqualTo(AllureResultsPreparation.FULL_REPORT);
        });
        assertThat(steps).anySatisfy(s -> assertThat(String.valueOf(s.get("run")))
                .contains("--work-tree=" + AllureResultsPreparation.FULL_REPORT).contains("-- history"));
    }

    @Test
    void everyActionIsPinnedToAVersion() throws IOException {
        steps().stream().map(s -> s.get("uses")).filter(u -> u != null).forEach(u ->
                assertThat(u.toString()).as("action %s", u).matches("[\\w.-]+/[\\w.-]+@(v\\d+[\\w.]*|stable)"));
    }
}
