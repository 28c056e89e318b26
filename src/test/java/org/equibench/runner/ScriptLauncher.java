package org.equibench.runner;

import org.equibench.protocol.RunSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A fake runner for fault tests: each implementation id maps to a shell script ($1 = spec, $2 = out dir). */
public final class ScriptLauncher implements Launcher {
    private final String language;
    private final Map<String, String> scripts;

    public ScriptLauncher(Map<String, String> scripts) {
        this("shell", scripts);
    }

    /** Standing in for a language's runner: in a container run, its rows start in that language's image. */
    public ScriptLauncher(String language, Map<String, String> scripts) {
        this.language = language;
        this.scripts = scripts;
    }

    @Override
    public String language() {
        return language;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public List<String> listCommand() {
        return List.of("/bin/sh", "-c", "true");
    }

    @Override
    public List<String> command(RunSpec spec, Path specFile, Path outDir) {
        return List.of("sh", "-c", scripts.get(spec.impl()), "runner", specFile.toString(), outDir.toString());
    }

    @Override
    public Path workingDirectory() {
        return Path.of(".").toAbsolutePath();
    }
}
