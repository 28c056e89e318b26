package org.equibench.runner.provision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.equibench.data.Sha256;

/**
 * The Python runners' virtual environment, containers/python/.venv, built from the pinned
 * requirements.txt. A stamp (hash of requirements + interpreter version) lets later runs reuse it.
 */
public final class PythonVenv {
    private final Path projectDir;
    private final Path venv;
    private final Path log;

    public PythonVenv(Path root) {
        this.projectDir = root.resolve("containers/python");
        this.venv = projectDir.resolve(".venv");
        this.log = root.resolve("target/equibench/provision-python.log");
    }

    public Path python() {
        return venv.resolve("bin/python");
    }

    public Path projectDir() {
        return projectDir;
    }

    /** Creates or refreshes the venv if needed; empty if ready, else the reason it is not. */
    public synchronized Optional<String> ensure() {
        Optional<Path> python3 = Commands.find("python3");
        if (python3.isEmpty()) {
            return Optional.of("python3 not found on PATH");
        }
        try {
            Path requirements = projectDir.resolve("requirements.txt");
            Path stampFile = venv.resolve(".equibench-stamp");
            String version = Commands.run(List.of(python3.get().toString(), "--version"), projectDir, log, 1).outputTail().trim();
            String stamp = Sha256.of(requirements) + " " + version.lines().reduce((a, b) -> b).orElse("");
            if (Files.isExecutable(python()) && Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
                return Optional.empty();
            }
            Commands.Outcome created = Commands.run(List.of(python3.get().toString(), "-m", "venv", "--clear", venv.toString()),
                    projectDir, log, 5);
            if (!created.ok()) {
                return Optional.of("python3 -m venv failed: " + created.outputTail());
            }
            Commands.Outcome installed = Commands.run(List.of(python().toString(), "-m", "pip", "install",
                    "--disable-pip-version-check", "--no-input", "-r", requirements.toString()), projectDir, log, 30);
            if (!installed.ok()) {
                return Optional.of("pip install -r requirements.txt failed: " + installed.outputTail());
            }
            Files.writeString(stampFile, stamp);
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot provision the Python venv: " + e.getMessage());
        }
    }
}
