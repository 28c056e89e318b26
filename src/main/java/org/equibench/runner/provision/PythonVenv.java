package org.equibench.runner.provision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.equibench.data.Sha256;

/**
 * The Python runners' virtual environment, built from the pinned containers/python/requirements.txt. It holds
 * torch and its CUDA wheels (several GB), so it lives in the cache folder ({@link CacheDir}), keyed by the hash of
 * the requirements and the interpreter version: every clone on the machine reuses it, and a changed requirements
 * file gets a venv of its own (older ones are removed).
 */
public final class PythonVenv {
    private final Path projectDir;
    private final Path log;
    private Path venv;

    public PythonVenv(Path root) {
        this.projectDir = root.resolve("containers/python");
        this.log = root.resolve("target/equibench/provision-python.log");
    }

    /** The venv's interpreter; a path that does not exist when the venv cannot be made (see {@link #ensure()}). */
    public Path python() {
        return venvDir().resolve("bin/python");
    }

    public Path projectDir() {
        return projectDir;
    }

    /** Creates the venv if needed; empty if ready, else the reason it is not. */
    public synchronized Optional<String> ensure() {
        Optional<Path> python3 = Commands.find("python3");
        if (python3.isEmpty()) {
            return Optional.of("python3 not found on PATH");
        }
        try {
            Path requirements = projectDir.resolve("requirements.txt");
            String version = Commands.run(List.of(python3.get().toString(), "--version"), projectDir, log, 1).outputTail().trim();
            String stamp = Sha256.of(requirements) + " " + version.lines().reduce((a, b) -> b).orElse("");
            venv = CacheDir.root().resolve("python").resolve("venv-" + Sha256.of(stamp).substring(0, 16));
            Path stampFile = venv.resolve(".equibench-stamp");
            if (Files.isExecutable(python()) && Files.isRegularFile(stampFile) && Files.readString(stampFile).equals(stamp)) {
                return Optional.empty();
            }
            Files.createDirectories(venv.getParent());
            Commands.Outcome created = Commands.run(List.of(python3.get().toString(), "-m", "venv", "--clear", venv.toString()),
                    projectDir, log, 5);
            if (!created.ok()) {
                return Optional.of("python3 -m venv failed: " + created.outputTail());
            }
            Commands.Outcome installed = Commands.run(List.of(python().toString(), "-m", "pip", "install",
                    "--disable-pip-version-check", "--no-input", "-r", requirements.toString()), projectDir, log, 40);
            if (!installed.ok()) {
                return Optional.of("pip install -r requirements.txt failed: " + installed.outputTail());
            }
            Files.writeString(stampFile, stamp);
            removeOthers();
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot provision the Python venv: " + e.getMessage());
        }
    }

    private Path venvDir() {
        if (venv == null && ensure().isPresent() && venv == null) {
            return projectDir.resolve(".venv-unavailable");
        }
        return venv;
    }

    /** Venvs of earlier requirements: several GB each, so one is kept per machine. */
    private void removeOthers() throws IOException {
        try (Stream<Path> venvs = Files.list(venv.getParent())) {
            for (Path other : venvs.filter(p -> !p.equals(venv) && p.getFileName().toString().startsWith("venv-")).toList()) {
                Commands.run(List.of("rm", "-rf", other.toString()), projectDir, log, 5);
            }
        }
    }
}
