package org.equibench.task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.equibench.data.Sha256;
import org.equibench.runner.provision.CacheDir;
import org.equibench.runner.provision.Commands;
import org.equibench.runner.provision.PythonVenv;

/**
 * The model files every row of a task reads (safetensors, ONNX, TorchScript, GGUF, tokenizer.json, …), made once
 * from one set of weights by {@code python -m equibench_runner.modelfiles MODEL} (torch does the exports) and kept
 * in the cache folder, keyed by the request, the maker's source and the pinned requirements: a 124M export takes
 * minutes, so later runs and clones reuse it.
 */
final class ModelFiles {
    private static final int KEEP = 3;

    private ModelFiles() {
    }

    /** The folder the maker wrote for {@code model} ({@code gpt2}, {@code bert}) and this request, made now if no
     * earlier run made it. */
    static Path ensure(Path root, String model, List<String> request, String weightsIdentity) throws IOException {
        Path python = root.resolve("containers/python");
        Path dir = CacheDir.root().resolve("models").resolve(model + "-" + key(python, request, weightsIdentity).substring(0, 16));
        if (Files.isRegularFile(dir.resolve("model-files.json"))) {
            return dir;
        }
        PythonVenv venv = new PythonVenv(root);
        Optional<String> unavailable = venv.ensure();
        if (unavailable.isPresent()) {
            throw new IOException("the " + model + " model files are made with the Python venv's torch, which is "
                    + "unavailable: " + unavailable.get());
        }
        Path partial = dir.resolveSibling(dir.getFileName() + ".partial");
        Path log = root.resolve("target/equibench/" + model + "-model-files.log");
        Commands.run(List.of("rm", "-rf", partial.toString()), python, log, 1);
        Files.createDirectories(partial);
        List<String> command = new ArrayList<>(List.of(venv.python().toString(), "-m", "equibench_runner.modelfiles", model,
                "--out", partial.toString()));
        command.addAll(request);
        System.out.println("[equibench] " + model + ": making the model files (once per request) into " + dir);
        Commands.Outcome made = Commands.run(command, python, log, 30);
        if (!made.ok()) {
            throw new IOException("making the " + model + " model files failed (" + String.join(" ", command) + "): "
                    + made.outputTail());
        }
        Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        removeOldest(dir.getParent(), model + "-");
        return dir;
    }

    /** A 124M GPT-2 set is ~2 GB: keep the newest few of a model (CI and full scale of the current maker, and one
     * more). */
    private static void removeOldest(Path models, String prefix) throws IOException {
        List<Path> sets;
        try (Stream<Path> all = Files.list(models)) {
            sets = all.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p))
                    .sorted(java.util.Comparator.comparing((Path p) -> p.toFile().lastModified()).reversed()).toList();
        }
        for (Path old : sets.subList(Math.min(KEEP, sets.size()), sets.size())) {
            Commands.run(List.of("rm", "-rf", old.toString()), models, models.resolve("cleanup.log"), 5);
        }
    }

    /** What decides the files' bytes: the request, the maker's source, the pinned torch/onnx/gguf versions. */
    private static String key(Path python, List<String> request, String weightsIdentity) throws IOException {
        // Files by their contents, not their paths: every clone of the project shares one set.
        StringBuilder identity = new StringBuilder();
        for (String argument : request) {
            Path file = Path.of(argument);
            identity.append(Files.isRegularFile(file) ? Sha256.of(file) : argument).append(' ');
        }
        identity.append('\n').append(weightsIdentity);
        identity.append('\n').append(Sha256.of(python.resolve("requirements.txt")));
        try (Stream<Path> sources = Files.walk(python.resolve("equibench_runner/modelfiles"))) {
            for (Path source : sources.filter(p -> p.toString().endsWith(".py")).sorted().toList()) {
                identity.append('\n').append(source.getFileName()).append(' ').append(Sha256.of(source));
            }
        }
        return Sha256.of(identity.toString());
    }
}
