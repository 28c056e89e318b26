package org.equibench.runner.provision;

import java.nio.file.Path;

/**
 * Where heavy set-up lives outside the checkout (the Python venv, the Cargo target folder, generated model
 * files), so that every clone on this machine, CI's included, reuses it: {@code EQUIBENCH_CACHE}, else
 * {@code ~/.cache/equibench}. Each entry is keyed by the hash of what it is built from.
 */
public final class CacheDir {
    private CacheDir() {
    }

    public static Path root() {
        String configured = System.getenv("EQUIBENCH_CACHE");
        return configured != null && !configured.isBlank() ? Path.of(configured).toAbsolutePath()
                : Path.of(System.getProperty("user.home"), ".cache", "equibench");
    }
}
