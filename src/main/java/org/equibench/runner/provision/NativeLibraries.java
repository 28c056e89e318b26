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
import java.util.Map;
import java.util.Optional;

/**
 * The native engines shared across languages, so that rows differ in their binding and not in their engine:
 * ONNX Runtime Java's libonnxruntime.so (also loaded by the Rust ort rows) and the Python venv's libtorch (also
 * linked by the Rust tch rows and loaded by DJL).
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
        return classpathEntries(root).stream().filter(p -> p.getFileName() != null
                && p.getFileName().toString().matches("onnxruntime-[0-9.]+\\.jar") && Files.isRegularFile(p)).findFirst();
    }

    /** This JVM's class path and the runner class path Maven lists (target/runner-classpath.txt). */
    private static List<Path> classpathEntries(Path root) {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path", "").split(File.pathSeparator)));
        Path listed = root.resolve("target/runner-classpath.txt");
        try {
            if (Files.isRegularFile(listed)) {
                entries.addAll(List.of(Files.readString(listed).trim().split(File.pathSeparator)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries.stream().filter(e -> !e.isBlank()).map(Path::of).filter(p -> p.getFileName() != null).toList();
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

    /**
     * DJL's settings that make its PyTorch engine load the venv's libtorch instead of the build DJL bundles, when both
     * are the same version (DJL's JNI library is built per version): then python/transformers, java/djl and rust/tch
     * run one libtorch file. Empty (DJL loads its own build, which the manifest then shows) when the venv has no
     * torch or another version.
     */
    public static Map<String, String> djlOnVenvLibtorch(Path root, PythonVenv venv) {
        Optional<Path> lib = libtorchDir(venv);
        Optional<String> djlVersion = classpathEntries(root).stream().map(p -> p.getFileName().toString())
                .map(name -> java.util.regex.Pattern.compile("pytorch-jni-([0-9.]+)-[0-9.]+\\.jar").matcher(name))
                .filter(java.util.regex.Matcher::matches).map(m -> m.group(1)).findFirst();
        if (lib.isEmpty() || djlVersion.isEmpty() || !Files.isRegularFile(lib.get().resolve("libtorch_cpu.so"))) {
            return Map.of();
        }
        Optional<String> torchVersion = torchVersion(lib.get().getParent());
        if (torchVersion.isEmpty() || !torchVersion.get().equals(djlVersion.get())) {
            return Map.of();
        }
        // The flavour names DJL's JNI build; a CUDA wheel's libtorch_cpu.so serves it as well.
        return Map.of("PYTORCH_LIBRARY_PATH", lib.get().toString(), "PYTORCH_VERSION", djlVersion.get(), "PYTORCH_FLAVOR", "cpu");
    }

    /** torch/version.py's __version__ without its local part (2.7.1+cu126 → 2.7.1). */
    static Optional<String> torchVersion(Path torchPackage) {
        try {
            var m = java.util.regex.Pattern.compile("^__version__ = '([0-9.]+)[^']*'", java.util.regex.Pattern.MULTILINE)
                    .matcher(Files.readString(torchPackage.resolve("version.py")));
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
