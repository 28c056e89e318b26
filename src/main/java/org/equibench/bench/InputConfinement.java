package org.equibench.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.protocol.InputFile;
import org.equibench.runner.provision.CacheDir;

/**
 * Where a spec's inputs may lie: the checkout's data folder, the run's own folder and the cache of generated model
 * files. Every input is resolved through its links before the check, so a link placed among the inputs that points
 * elsewhere (a user's home, /etc) is refused as well: no runner is ever handed a file from outside these folders.
 */
public final class InputConfinement {
    private final List<Path> folders;

    public InputConfinement(List<Path> folders) {
        this.folders = List.copyOf(folders);
    }

    /**
     * The folders a run with these settings may read inputs from, and those the user declares with
     * {@code -Dequibench.data-folders=/datasets/cifar,…} (a dataset kept elsewhere and linked into data/).
     */
    public static InputConfinement of(Settings settings) {
        List<Path> folders = new ArrayList<>(List.of(settings.root().resolve("data"), settings.workDir(), CacheDir.root()));
        for (String declared : System.getProperty("equibench.data-folders", "").split(",")) {
            if (!declared.isBlank()) {
                folders.add(Path.of(declared.trim()).toAbsolutePath());
            }
        }
        return new InputConfinement(folders);
    }

    /** Fails naming the first input that lies outside the allowed folders, with where it leads. */
    public void check(Map<String, InputFile> inputs) throws IOException {
        List<Path> allowed = new ArrayList<>();
        for (Path folder : folders) {
            allowed.add(Files.exists(folder) ? folder.toRealPath() : folder.toAbsolutePath().normalize());
        }
        for (Map.Entry<String, InputFile> input : inputs.entrySet()) {
            Path path = Path.of(input.getValue().path());
            Path real = path.toRealPath();
            if (allowed.stream().noneMatch(real::startsWith)) {
                String via = real.equals(path) ? "" : " (which resolves to " + real + ")";
                throw new IOException("input '" + input.getKey() + "': " + path + via
                        + " lies outside the folders a run may read: " + folders
                        + " (declare a data folder of yours with -Dequibench.data-folders=…)");
            }
        }
    }
}
