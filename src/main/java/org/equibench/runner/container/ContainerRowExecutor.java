package org.equibench.runner.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.equibench.measure.ProcessSampler;
import org.equibench.protocol.RunSpec;
import org.equibench.protocol.ThreadEnvironment;
import org.equibench.runner.ContainerFigures;
import org.equibench.runner.Launcher;
import org.equibench.runner.RerunScript;
import org.equibench.runner.RowExecutor;
import org.equibench.runner.RowRun;
import org.equibench.runner.RunnerEnvironment;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs one row process in a container of its language's image (Testcontainers' {@link GenericContainer}), with the
 * protocol unchanged: the launcher's command line, environment and working folder, the host paths they name mounted at
 * the same paths ({@link ContainerMounts}; the output folder the only writable one), no network, and the run's
 * limits. Like {@link RowExecutor} it turns whatever happens into a {@link RowRun}; a row the kernel killed for
 * exceeding its memory limit is an error that says so. The container is removed after its row.
 */
public final class ContainerRowExecutor {
    private final Path root;
    private final ContainerOptions options;

    /** Rows of the project at {@code root}, under {@code options}' limits. */
    public ContainerRowExecutor(Path root, ContainerOptions options) {
        this.root = root;
        this.options = options;
    }

    public RowRun execute(Launcher launcher, String image, RunSpec spec, Path rowDir, Duration timeout) {
        String row = spec.task() + " " + spec.impl();
        Optional<RowRun> unprepared = RowExecutor.prepare(spec, rowDir);
        if (unprepared.isPresent()) {
            return unprepared.get();
        }
        Path out = rowDir.resolve("out");
        Path specFile = rowDir.resolve("spec.json");
        Path figuresDir = rowDir.resolve("container");
        List<String> command = launcher.command(spec, specFile, out);
        Map<String, String> environment = new TreeMap<>(ThreadEnvironment.forThreads(spec.threads()));
        environment.putAll(launcher.environment());
        Map<String, String> containerEnv = new TreeMap<>(RunnerEnvironment.of(System.getenv(), environment));
        containerEnv.put("EQUIBENCH_CGROUP_FILE", figuresDir.resolve(CgroupFigures.FILE).toString());
        List<ContainerMounts.Mount> mounts;
        try {
            deleteRecursively(figuresDir);
            Files.createDirectories(figuresDir);
            RerunScript.write(rowDir.resolve("rerun.sh"), row, launcher.workingDirectory(), environment, command);
            mounts = ContainerMounts.forRow(root, command, environment, launcher.workingDirectory(), spec, specFile, out, figuresDir);
            Files.writeString(rowDir.resolve("rerun-container.sh"), dockerRun(image, mounts, containerEnv, launcher.workingDirectory(),
                    command));
        } catch (IOException e) {
            return RowExecutor.failed(spec, out, row + ": cannot prepare " + rowDir + ": " + e.getMessage(), -1, 0, -1, "", List.of(), 0);
        }
        java.time.Instant spawn = java.time.Instant.now();
        long spawnEpochNs = spawn.getEpochSecond() * 1_000_000_000L + spawn.getNano();
        long t0 = System.nanoTime();
        try (GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))) {
            container.withCommand(command.toArray(String[]::new))
                    .withEnv(containerEnv)
                    .withWorkingDirectory(launcher.workingDirectory().toString())
                    .withStartupCheckStrategy(new StartedOrExited())
                    .waitingFor(new NoWait())
                    .withCreateContainerCmdModifier(cmd -> {
                        HostConfig host = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
                        host.withBinds(new ArrayList<>(mounts.stream().map(m -> new Bind(m.path().toString(), new Volume(m.path().toString()),
                                        m.writable() ? AccessMode.rw : AccessMode.ro)).toList()))
                                .withNetworkMode("none")
                                .withNanoCPUs(Math.round(options.cpus() * 1e9))
                                .withCpusetCpus(options.cpuset())
                                .withMemory(options.memoryBytes())
                                .withMemorySwap(options.memoryBytes());
                        Map<String, String> labels = new java.util.HashMap<>(cmd.getLabels() == null ? Map.of() : cmd.getLabels());
                        labels.put("org.equibench.row", row);
                        cmd.withHostConfig(host).withUser(hostUser()).withLabels(labels);
                    });
            try {
                container.start();
            } catch (RuntimeException e) {
                return RowExecutor.failed(spec, out, row + ": the container of image " + image + " could not be started: " + messages(e), -1,
                        System.nanoTime() - t0, -1, "", List.of(), spawnEpochNs);
            }
            DockerClient client = DockerEngine.client();
            String id = container.getContainerId();
            Long pid = client.inspectContainerCmd(id).exec().getState().getPidLong();
            ProcessSampler sampler = pid != null && pid > 0 ? ProcessSampler.start(pid, RowExecutor.SAMPLE_INTERVAL_MS) : null;
            Integer exit;
            try {
                long left = Math.max(1, timeout.toMillis() - (System.nanoTime() - t0) / 1_000_000);
                exit = client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode(left, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                exit = null; // timed out (DockerClientException), or the engine stopped answering
            }
            long elapsed = System.nanoTime() - t0;
            if (exit == null) {
                try {
                    client.killContainerCmd(id).exec();
                } catch (RuntimeException ignored) {
                    // already gone
                }
            }
            if (sampler != null) {
                sampler.close();
            }
            long peakRss = sampler == null ? -1 : sampler.peakRssBytes();
            List<ProcessSampler.Sample> samples = sampler == null ? List.of() : sampler.samples();
            String tail = saveLogs(container, rowDir);
            InspectContainerResponse.ContainerState state = client.inspectContainerCmd(id).exec().getState();
            Optional<CgroupFigures> cgroup = CgroupFigures.read(figuresDir.resolve(CgroupFigures.FILE));
            long startup = cgroup.map(c -> c.runnerStartEpochNs() - spawnEpochNs).filter(n -> n >= 0).orElse(-1L);
            long wall = cgroup.filter(c -> c.runnerEndEpochNs() > 0 && c.runnerStartEpochNs() > 0)
                    .map(c -> c.runnerEndEpochNs() - c.runnerStartEpochNs()).orElse(elapsed);
            ContainerFigures figures = new ContainerFigures(image, options.describe(), startup, cgroup.map(CgroupFigures::memoryPeakBytes)
                    .orElse(-1L), cgroup.map(CgroupFigures::cgroupVersion).orElse("unknown"), cgroup.map(CgroupFigures::oomKills).orElse(-1));
            if (exit == null) {
                return RowExecutor.failed(spec, out, row + ": runner timed out after " + timeout.toSeconds() + " s and its container was killed"
                        + RowExecutor.stderrSuffix(tail), -1, elapsed, peakRss, tail, samples, spawnEpochNs).inContainer(figures);
            }
            boolean oomKilled = Boolean.TRUE.equals(state.getOOMKilled()) || figures.oomKills() > 0;
            if (oomKilled) {
                return RowExecutor.failed(spec, out, row + ": killed: out of memory, limit " + options.memory() + " ("
                        + options.memoryBytes() + " bytes; the container's memory cgroup peaked at " + figures.cgroupPeakBytes()
                        + " bytes; runner exit code " + exit + ", -Dequibench.container.memory raises the limit)"
                        + RowExecutor.stderrSuffix(tail), exit, wall, peakRss, tail, samples, spawnEpochNs).inContainer(figures);
            }
            return RowExecutor.readResult(spec, row, out, exit, wall, peakRss, samples, tail, spawnEpochNs, environment).inContainer(figures);
        } catch (RuntimeException e) {
            return RowExecutor.failed(spec, out, row + ": the container engine failed while the row ran: " + messages(e), -1,
                    System.nanoTime() - t0, -1, "", List.of(), spawnEpochNs);
        }
    }

    /** The container's stdout and stderr into the row's folder, as a local row keeps them; returns stderr's tail. */
    private static String saveLogs(GenericContainer<?> container, Path rowDir) {
        try {
            Files.writeString(rowDir.resolve("stdout.txt"), container.getLogs(OutputFrame.OutputType.STDOUT));
            String stderr = container.getLogs(OutputFrame.OutputType.STDERR);
            Files.writeString(rowDir.resolve("stderr.txt"), stderr);
            return stderr.length() <= RowExecutor.STDERR_TAIL_CHARS ? stderr : stderr.substring(stderr.length() - RowExecutor.STDERR_TAIL_CHARS);
        } catch (IOException | RuntimeException e) {
            return "(the container's logs could not be read: " + e.getMessage() + ")";
        }
    }

    /** The harness's own user and group, so the files a row writes belong to whoever runs the harness. */
    static String hostUser() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Object gid = Files.getAttribute(Path.of("/proc/self"), "unix:gid");
            return uid + ":" + gid;
        } catch (IOException | RuntimeException e) {
            return "0:0";
        }
    }

    /** The same container as a docker command line, for rerunning a row by hand. */
    private String dockerRun(String image, List<ContainerMounts.Mount> mounts, Map<String, String> env, Path workDir, List<String> command) {
        List<String> args = new ArrayList<>(List.of("docker", "run", "--rm", "--network=none", "--cpus=" + options.cpus(),
                "--cpuset-cpus=" + options.cpuset(), "--memory=" + options.memoryBytes(), "--memory-swap=" + options.memoryBytes(),
                "--user=" + hostUser(), "-w", workDir.toString()));
        mounts.forEach(m -> args.add("-v=" + m.path() + ":" + m.path() + (m.writable() ? ":rw" : ":ro")));
        env.forEach((k, v) -> args.add("-e=" + k + "=" + v));
        args.add(image);
        args.addAll(command);
        return "#!/bin/sh\n# The row's container, as the harness started it (through Testcontainers).\nexec "
                + String.join(" \\\n  ", args.stream().map(RerunScript::quote).toList()) + "\n";
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(all.length() == 0 ? "" : ": ").append(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return all.toString();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Started: running, or already ended (a row may take less time than Testcontainers takes to look). */
    private static final class StartedOrExited extends StartupCheckStrategy {
        @Override
        public StartupStatus checkStartupState(DockerClient client, String containerId) {
            InspectContainerResponse.ContainerState state = getCurrentState(client, containerId);
            boolean exited = state.getFinishedAt() != null && !state.getFinishedAt().startsWith("0001-");
            return Boolean.TRUE.equals(state.getRunning()) || exited ? StartupStatus.SUCCESSFUL : StartupStatus.NOT_YET_KNOWN;
        }
    }

    /** Nothing to wait for: a row container serves no port. */
    private static final class NoWait extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
        }
    }
}
