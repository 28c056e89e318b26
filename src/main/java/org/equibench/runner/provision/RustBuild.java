package org.equibench.runner.provision;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The Rust runner binary, built by {@code cargo build --release --locked} from the committed Cargo.lock.
 * Cargo's own fingerprints make a second build a no-op when nothing changed.
 */
public final class RustBuild {
    private final Path projectDir;
    private final Path log;
    private Optional<String> outcome;

    public RustBuild(Path root) {
        this.projectDir = root.resolve("containers/rust");
        this.log = root.resolve("target/equibench/provision-rust.log");
    }

    public Path binary() {
        return projectDir.resolve("target/release/equibench-runner");
    }

    public Path projectDir() {
        return projectDir;
    }

    /** Builds once per JVM; empty if the binary is ready, else the reason it is not. */
    public synchronized Optional<String> ensure() {
        if (outcome == null) {
            outcome = build();
        }
        return outcome;
    }

    private Optional<String> build() {
        Optional<Path> cargo = Commands.find("cargo");
        if (cargo.isEmpty()) {
            return Optional.of("cargo not found on PATH (nor in ~/.cargo/bin)");
        }
        try {
            Commands.Outcome built = Commands.run(List.of(cargo.get().toString(), "build", "--release", "--locked"),
                    projectDir, log, 45);
            return built.ok() ? Optional.empty() : Optional.of("cargo build --release --locked failed: " + built.outputTail());
        } catch (IOException e) {
            return Optional.of("cannot run cargo: " + e.getMessage());
        }
    }
}
