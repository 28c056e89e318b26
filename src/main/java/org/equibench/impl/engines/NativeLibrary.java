package org.equibench.impl.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.equibench.data.Sha256;
import org.equibench.impl.core.JavaRun;

/**
 * The shared library an engine runs on, as this process mapped it: the path read from {@code /proc/self/maps}
 * (where the Java binding actually loaded it from, not where it is expected) and the SHA-256 of that file.
 */
public record NativeLibrary(String path, String sha256) {

    /** The mapped file whose name is {@code fileName} (e.g. {@code libtorch_cpu.so}). */
    public static NativeLibrary loaded(String fileName) throws IOException {
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        for (String line : maps) {
            int slash = line.indexOf('/');
            if (slash < 0) {
                continue;
            }
            String path = line.substring(slash);
            if (Path.of(path).getFileName().toString().equals(fileName)) {
                Path file = Path.of(path);
                // a binding may delete its extracted copy after loading it; then there are no bytes to hash
                return new NativeLibrary(path, Files.isRegularFile(file) ? Sha256.of(file) : "unavailable (file deleted after loading)");
            }
        }
        throw new IllegalStateException(fileName + " is not loaded in this process (/proc/self/maps)");
    }

    /** The manifest's descriptive native fields (PROTOCOL.md, "Task gpt2-generate"). */
    public void report(JavaRun run, String engineAndVersion) {
        run.manifest("native.engine", engineAndVersion);
        run.manifest("native.library", path);
        run.manifest("native.sha256", sha256);
    }
}
