package org.equibench.runner;

import org.equibench.protocol.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.equibench.runner.provision.RustBuild;

/** Rust rows: the release binary containers/rust/target/release/equibench-runner. */
public final class RustLauncher implements Launcher {
    private final RustBuild build;

    public RustLauncher(Path root) {
        this.build = new RustBuild(root);
    }

    @Override
    public String language() {
        return "rust";
    }

    @Override
    public Optional<String> unavailableReason() {
        return build.ensure();
    }

    @Override
    public Path workingDirectory() {
        return build.projectDir();
    }

    @Override
    public List<String> listCommand() {
        return List.of(build.binary().toString(), "--list");
    }

    @Override
    public List<String> command(RunSpec spec, Path specFile, Path outDir) {
        return List.of(build.binary().toString(), "--spec", specFile.toString(), "--out", outDir.toString());
    }
}
