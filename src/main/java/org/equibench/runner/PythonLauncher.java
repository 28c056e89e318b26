package org.equibench.runner;

import org.equibench.protocol.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.equibench.runner.provision.PythonVenv;

/** Python rows: {@code .venv/bin/python -m equibench_runner} in containers/python. */
public final class PythonLauncher implements Launcher {
    private final PythonVenv venv;
    private Optional<String> unavailable;

    public PythonLauncher(Path root) {
        this.venv = new PythonVenv(root);
    }

    @Override
    public String language() {
        return "python";
    }

    @Override
    public synchronized Optional<String> unavailableReason() {
        if (unavailable == null) {
            unavailable = venv.ensure();
        }
        return unavailable;
    }

    @Override
    public Path workingDirectory() {
        return venv.projectDir();
    }

    @Override
    public List<String> listCommand() {
        return List.of(venv.python().toString(), "-m", "equibench_runner", "--list");
    }

    @Override
    public List<String> command(RunSpec spec, Path specFile, Path outDir) {
        return List.of(venv.python().toString(), "-m", "equibench_runner", "--spec", specFile.toString(), "--out", outDir.toString());
    }
}
