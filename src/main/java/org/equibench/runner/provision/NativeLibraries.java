package org.equibench.runner.provision;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The native engines shared across languages, so that rows differ in their binding and not in their engine:
 * ONNX Runtime Java's libonnxruntime.so (also loaded by the Rust ort rows) and the Python venv's libtorch (also
 * linked by the Rust tch rows).
 */
public final class NativeLibraries {
    private static final String ORT_LIBRARY = "ai/onnxruntime/native/linux-x64/libonnxruntime.so";

    private NativeLibraries() {
    }

    /**
     * ONNX Runtime Java's library, copied once out of its jar into the cache folder (keyed by the jar's name, which
     * carries its version). The jar is found on this JVM's class path, else in the runner class path Maven lists
     * (target/runner-classpath.txt); empty when neither has it.
     */
    public static synchronized Optional<Path> onnxRuntime(Path root) {
        Optional<Path> jar = onnxRuntimeJar(root);
        if (jar.isEmpty()) {
            return Optional.empty();
        }
        String name = jar.get().getFileName().toString().replaceAll("\\.jar$", "");
        Path target = CacheDir.root().resolve("native").resolve(name).resolve("libonnxruntime.so");
        if (Files.isRegularFile(target)) {
            return Optional.of(target);
        }
        try (ZipFile zip = new ZipFile(jar.get().toFile())) {
            ZipEntry entry = zip.getEntry(ORT_LIBRARY);
            if (entry == null) {
                return Optional.empty();
            }
            Files.createDirectories(target.getParent());
            Path partial = target.resolveSibling("libonnxruntime.so.partial");
            try (InputStream in = zip.getInputStream(entry)) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + ORT_LIBRARY + " out of " + jar.get(), e);
        }
    }

    private static Optional<Path> onnxRuntimeJar(Path root) {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        Path listed = root.resolve("target/runner-classpath.txt");
        try {
            if (Files.isRegularFile(listed)) {
                entries.addAll(List.of(Files.readString(listed).trim().split(File.pathSeparator)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries.stream().map(Path::of).filter(p -> p.getFileName() != null
                && p.getFileName().toString().matches("onnxruntime-[0-9.]+\\.jar") && Files.isRegularFile(p)).findFirst();
    }

    /** torch/lib of the venv's torch (libtorch_cpu.so and friends); empty when the venv has no torch. */
    public static Optional<Path> libtorchDir(PythonVenv venv) {
        Path lib = venv.python().getParent().getParent().resolve("lib");
        try (var dirs = Files.list(lib)) {
            return dirs.map(d -> d.resolve("site-packages/torch/lib")).filter(Files::isDirectory).findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
