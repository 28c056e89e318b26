package org.equibench.runner.container;

import com.github.dockerjava.api.DockerClient;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, through Testcontainers. No registry is reachable, so Testcontainers must not
 * start Ryuk (its image would be pulled): {@code TESTCONTAINERS_RYUK_DISABLED=true} is required, and equibench removes
 * the containers it starts itself. The answer is asked once per JVM.
 */
public final class DockerEngine {
    private static Optional<String> unavailable;

    private DockerEngine() {
    }

    /** Empty when containers can be started here; otherwise why not. */
    public static synchronized Optional<String> unavailableReason() {
        if (unavailable == null) {
            unavailable = probe();
        }
        return unavailable;
    }

    private static Optional<String> probe() {
        if (!"true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            return Optional.of("rows in containers need TESTCONTAINERS_RYUK_DISABLED=true in the environment (no registry to pull "
                    + "Testcontainers' Ryuk from; equibench removes its containers itself)");
        }
        try {
            if (DockerClientFactory.instance().isDockerAvailable()) {
                return Optional.empty();
            }
            return Optional.of("no Docker engine reachable (no DOCKER_HOST, no /var/run/docker.sock answering): start dockerd "
                    + "(README, \"Rows in containers\") or run without -Dequibench.runtime=container");
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("no Docker engine reachable: " + e);
        }
    }

    public static DockerClient client() {
        return DockerClientFactory.instance().client();
    }

    /** Whether the engine has an image of that name. */
    public static boolean hasImage(String name) {
        try {
            client().inspectImageCmd(name).exec();
            return true;
        } catch (com.github.dockerjava.api.exception.NotFoundException e) {
            return false;
        }
    }
}
