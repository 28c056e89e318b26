package org.equibench.runner.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.Launcher;
import org.equibench.runner.RowExecutor;
import org.equibench.runner.RowRun;

/**
 * Rows in containers (-Dequibench.runtime=container) for one run: the engine checked once, the base image and each
 * language's image built once (cached by a hash of their inputs, see {@link BaseImage} and {@link LanguageImages}),
 * then every row process in a container of its own ({@link ContainerRowExecutor}). Without an engine the rows are
 * unavailable (skipped with the reason, failed under -Dequibench.require=all); an image that cannot be built makes
 * its language's rows errors naming the Dockerfile and the failing step.
 */
public final class ContainerRuntime {
    private final Path root;
    private final ContainerOptions options;
    private final LanguageImages images;
    private final ContainerRowExecutor executor;
    private String baseProblem;
    private boolean baseReady;

    public ContainerRuntime(Path root, ContainerOptions options) {
        this.root = root;
        this.options = options;
        this.images = new LanguageImages(root, options.baseImage());
        this.executor = new ContainerRowExecutor(root, options);
    }

    public ContainerOptions options() {
        return options;
    }

    /** Empty when containers can run here; else why not (no engine). */
    public Optional<String> unavailableReason() {
        return DockerEngine.unavailableReason();
    }

    /** One row process in its language's container; an image that cannot be built is the row's error. */
    public RowRun execute(Launcher launcher, RunSpec spec, Path rowDir, Duration timeout) {
        String image;
        try {
            ensureBase();
            image = images.image(launcher.language());
        } catch (IOException | RuntimeException e) {
            return RowExecutor.failed(spec, rowDir.resolve("out"), spec.task() + " " + spec.impl() + ": no container image for the "
                    + launcher.language() + " rows: " + e.getMessage(), -1, 0, -1, "", java.util.List.of(), 0);
        }
        return executor.execute(launcher, image, spec, rowDir, timeout);
    }

    private synchronized void ensureBase() throws IOException {
        if (baseProblem != null) {
            throw new IOException(baseProblem);
        }
        if (!baseReady) {
            try {
                Path log = root.resolve("target/equibench/containers/base-image.log");
                Files.createDirectories(log.getParent());
                System.out.println("[equibench] " + BaseImage.ensure(options, log));
                baseReady = true;
            } catch (IOException | RuntimeException e) {
                baseProblem = e.getMessage();
                throw e;
            }
        }
    }

    /** For the run's manifest: the runtime and the limits every container gets. */
    public Map<String, String> manifest() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("container.base_image", options.baseImage());
        m.put("container.cpus", String.valueOf(options.cpus()));
        m.put("container.cpuset_cpus", options.cpuset());
        m.put("container.memory", options.memory());
        m.put("container.memory_swap", options.memory());
        m.put("container.network", "none");
        return m;
    }

    public String describe() {
        return "container (" + options.baseImage() + ", " + options.describe() + ")";
    }
}
