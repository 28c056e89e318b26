package org.equibench.runner.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of the container runtime that need no engine: limits, the apt mirror, Dockerfile steps, cgroup figures. */
class ContainerSettingsTest {
    @TempDir
    Path dir;

    @Test
    void limitsHaveDefaultsAndAreWrittenAsDockerTakesThem() {
        ContainerOptions o = ContainerOptions.defaults(1);
        assertThat(o.describe()).isEqualTo("--cpus=1 --cpuset-cpus=0 --memory=8g --memory-swap=8g --network=none");
        assertThat(o.memoryBytes()).isEqualTo(8L << 30);
        assertThat(o.withMemory("256m").memoryBytes()).isEqualTo(256L << 20);
        assertThat(ContainerOptions.memoryBytes("1073741824")).isEqualTo(1L << 30);
        assertThatThrownBy(() -> o.withMemory("lots")).hasMessageContaining("equibench.container.memory");
        assertThatThrownBy(() -> o.withCpus(0)).hasMessageContaining("equibench.container.cpus");
    }

    @Test
    void theBaseImageComesFromTheBookwormMirrorAptUses() throws IOException {
        Path apt = dir.resolve("apt");
        Files.createDirectories(apt.resolve("sources.list.d"));
        Files.writeString(apt.resolve("sources.list.d/debian.sources"), """
                Types: deb
                URIs: http://mirror.example/debian-security
                Suites: bookworm-security
                Components: main

                Types: deb
                URIs: http://mirror.example/debian
                Suites: bookworm bookworm-updates
                Components: main
                """);
        assertThat(BaseImage.aptMirror(apt)).isEqualTo("http://mirror.example/debian");
        Files.writeString(apt.resolve("sources.list"), "deb [arch=amd64] http://other.example/debian bookworm main\n");
        assertThat(BaseImage.aptMirror(apt)).isEqualTo("http://other.example/debian");
        assertThat(BaseImage.aptMirror(dir.resolve("none"))).isEqualTo("http://deb.debian.org/debian");
        assertThat(BaseImage.key("a")).isNotEqualTo(BaseImage.key("b")).hasSize(12);
    }

    @Test
    void aFailedBuildIsTracedToItsStep() throws IOException {
        Path dockerfile = dir.resolve("Dockerfile");
        Files.writeString(dockerfile, "ARG BASE_IMAGE=x\nFROM ${BASE_IMAGE}\n# comment\nRUN apt-get update \\\n    && false\nLABEL a=b\n");
        assertThat(LanguageImages.steps(Files.readAllLines(dockerfile))).containsExactly("ARG BASE_IMAGE=x", "FROM ${BASE_IMAGE}",
                "RUN apt-get update && false", "LABEL a=b");
        String why = LanguageImages.failingStep(dockerfile, new RuntimeException("Could not build image: The command "
                + "'/bin/sh -c apt-get update && false' returned a non-zero code: 1"));
        assertThat(why).startsWith(": step 3 (RUN apt-get update && false) failed: ").contains("non-zero code: 1");
    }

    @Test
    void cgroupFiguresAreReadAsTheEntrypointWritesThem() throws IOException {
        Path file = dir.resolve(CgroupFigures.FILE);
        Files.write(file, List.of("cgroup=v1", "memory_peak_bytes=123456", "memory_limit_bytes=268435456", "oom_kills=1",
                "runner_start_epoch_ns=10", "runner_end_epoch_ns=30", "exit_code=137"));
        CgroupFigures f = CgroupFigures.read(file).orElseThrow();
        assertThat(f).isEqualTo(new CgroupFigures("v1", 123456, 268435456, 1, 10, 30, 137));
        assertThat(CgroupFigures.read(dir.resolve("missing"))).isEmpty();
    }
}
