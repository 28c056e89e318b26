package org.equibench.runner;

import org.equibench.protocol.RunSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Java rows run in a forked JVM (same JDK as the harness), never inside the test JVM. */
public final class JavaForkLauncher implements Launcher {
    static final String MAIN_CLASS = "org.equibench.impl.ForkedJvmMain";
    private final Path root;

    public JavaForkLauncher(Path root) {
        this.root = root;
    }

    @Override
    public String language() {
        return "java";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Path workingDirectory() {
        return root;
    }

    @Override
    public List<String> listCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", harnessClasspath(root), MAIN_CLASS, "--list");
    }

    @Override
    public Optional<String> unavailableReason(String impl) {
        if (!NewerJdk.ROWS.contains(impl)) {
            return Optional.empty();
        }
        return NewerJdk.home().isEmpty() ? Optional.of(impl + " needs Java 21+ with jdk.incubator.vector: none at "
                + NewerJdk.describeSearch()) : Files.isDirectory(root.resolve(NewerJdk.CLASSES))
                ? Optional.empty() : Optional.of(impl + ": " + NewerJdk.CLASSES + " is missing (the build compiles it "
                + "with that JDK's javac, profile jlama)");
    }

    /** DJL's PyTorch engine on the venv's libtorch where the versions agree (see NativeLibraries). */
    @Override
    public java.util.Map<String, String> environment() {
        return org.equibench.runner.provision.NativeLibraries.djlOnVenvLibtorch(root,
                new org.equibench.runner.provision.PythonVenv(root));
    }

    @Override
    public List<String> command(RunSpec spec, Path specFile, Path outDir) {
        boolean newer = NewerJdk.ROWS.contains(spec.impl());
        List<String> cmd = new ArrayList<>();
        cmd.add((newer ? NewerJdk.home().orElseThrow() : Path.of(System.getProperty("java.home"))).resolve("bin/java").toString());
        // Serial GC: the fewest JVM helper threads, closest to "single-threaded" for a tiny heap.
        cmd.add("-XX:+UseSerialGC");
        if (newer) {
            // Jlama's kernels are on the Vector API (an incubator module); the tokenizer's native library asks for access.
            cmd.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        }
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-Dai.djl.pytorch.num_threads=" + spec.threads());
        cmd.add("-Dai.djl.pytorch.num_interop_threads=" + spec.threads());
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-cp");
        cmd.add(newer ? harnessClasspath(root) + java.io.File.pathSeparator + newerJdkClasspath() : harnessClasspath(root));
        cmd.add(MAIN_CLASS);
        cmd.add("--spec");
        cmd.add(specFile.toString());
        cmd.add("--out");
        cmd.add(outDir.toString());
        return cmd;
    }

    /** The Java 21 classes and the dependencies only the newer-JDK rows bring (Jlama), as the build listed them. */
    private String newerJdkClasspath() {
        try {
            return root.resolve(NewerJdk.CLASSES) + java.io.File.pathSeparator
                    + Files.readString(root.resolve("target/jlama-classpath.txt")).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * target/classes plus the runtime dependencies Maven listed; the test JVM's own classpath otherwise. Java rows
     * and the JVM of each Slurm array task start from it.
     */
    public static String harnessClasspath(Path root) {
        Path listed = root.resolve("target/runner-classpath.txt");
        Path classes = root.resolve("target/classes");
        if (Files.isRegularFile(listed) && Files.isDirectory(classes)) {
            try {
                return classes + java.io.File.pathSeparator + Files.readString(listed).trim();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return System.getProperty("java.class.path");
    }
}
