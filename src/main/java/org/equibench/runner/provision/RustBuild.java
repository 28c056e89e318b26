package org.equibench.runner.provision;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Rust runner binaries, built by {@code cargo build --release --locked} from the committed Cargo.lock into
 * the cache folder's Cargo target ({@link CacheDir}), so every clone on the machine reuses the compiled
 * dependencies (candle, ort, llama.cpp, tch); Cargo's own fingerprints decide what to rebuild. Cargo builds from
 * the cache's one copy of the workspace ({@link RustSourceMirror}), so a new clone with the same sources rebuilds
 * nothing.
 * <p>
 * Four binaries: {@code equibench-runner} (every row but libtorch's, llama.cpp's and burn's), {@code equibench-runner-tch},
 * which links the libtorch of the Python venv's torch (loading it into every Rust row would distort their start-up
 * and memory figures), {@code equibench-runner-llama}, which builds llama.cpp with cmake, a C++ compiler and
 * libclang, and {@code equibench-runner-burn}, burn's training stack, kept apart so that its long build and its
 * generic code stay out of the main binary. A machine without the venv or that toolchain still runs the other Rust rows.
 */
public final class RustBuild {
    public static final String MAIN = "equibench-runner";
    public static final String TORCH = "equibench-runner-tch";
    public static final String LLAMA = "equibench-runner-llama";
    public static final String BURN = "equibench-runner-burn";
    /** The rows of the libtorch, llama.cpp and burn binaries (their --list must say the same; the catalogue test checks). */
    public static final java.util.Set<String> TORCH_ROWS = java.util.Set.of("rust/tch");
    public static final java.util.Set<String> LLAMA_ROWS = java.util.Set.of("rust/llama-cpp");
    public static final java.util.Set<String> BURN_ROWS = java.util.Set.of("rust/burn");

    private final Path root;
    private final Path projectDir;
    private final Path log;
    private Optional<String> mainOutcome;
    private Optional<String> torchOutcome;
    private Optional<String> llamaOutcome;
    private Optional<String> burnOutcome;

    public RustBuild(Path root) {
        this.root = root;
        this.projectDir = root.resolve("containers/rust");
        this.log = root.resolve("target/equibench/provision-rust.log");
    }

    public static Path targetDir() {
        return CacheDir.root().resolve("cargo-target");
    }

    public Path binary(String name) {
        return targetDir().resolve("release").resolve(name);
    }

    /** The checkout's Rust workspace: where rows start (their working directory). */
    public Path projectDir() {
        return projectDir;
    }

    /** The path-stable copy of the workspace that Cargo builds and tests. */
    public RustSourceMirror mirror() {
        return new RustSourceMirror(projectDir, CacheDir.root());
    }

    /** Builds the main binary once per JVM; empty if it is ready, else the reason it is not. */
    public synchronized Optional<String> ensure() {
        if (mainOutcome == null) {
            mainOutcome = build(MAIN, Map.of());
        }
        return mainOutcome;
    }

    /** Builds the libtorch binary once per JVM, against the venv's torch; empty if ready, else why not. */
    public synchronized Optional<String> ensureTorch() {
        if (torchOutcome == null) {
            PythonVenv venv = new PythonVenv(root);
            Optional<String> python = venv.ensure();
            torchOutcome = python.isPresent() ? Optional.of("libtorch comes from the Python venv's torch, which is unavailable: "
                    + python.get()) : build(TORCH, torchBuildEnvironment(venv));
        }
        return torchOutcome;
    }

    /** Builds the llama.cpp binary once per JVM; empty if ready, else why not. */
    public synchronized Optional<String> ensureLlama() {
        if (llamaOutcome == null) {
            llamaOutcome = Commands.find("cmake").isEmpty() ? Optional.of("llama.cpp builds with cmake, which is not on PATH")
                    : build(LLAMA, Map.of()).map(why -> why + "\n(llama.cpp's binding needs cmake, a C++ compiler and libclang: "
                    + "Debian's cmake, g++ and libclang-dev)");
        }
        return llamaOutcome;
    }

    /** Builds the burn binary once per JVM; empty if ready, else why not. */
    public synchronized Optional<String> ensureBurn() {
        if (burnOutcome == null) {
            burnOutcome = build(BURN, Map.of());
        }
        return burnOutcome;
    }

    /** The binary a Rust row runs in, and whether it is ready. */
    public Optional<String> ensureFor(String impl) {
        return switch (binaryFor(impl)) {
            case TORCH -> ensureTorch();
            case LLAMA -> ensureLlama();
            case BURN -> ensureBurn();
            default -> ensure();
        };
    }

    public static String binaryFor(String impl) {
        return TORCH_ROWS.contains(impl) ? TORCH : LLAMA_ROWS.contains(impl) ? LLAMA : BURN_ROWS.contains(impl) ? BURN : MAIN;
    }

    /** tch-sys finds libtorch through the venv's python (LIBTORCH_USE_PYTORCH); 2.7.1 is newer than tch 0.20 expects. */
    static Map<String, String> torchBuildEnvironment(PythonVenv venv) {
        return Map.of("LIBTORCH_USE_PYTORCH", "1", "LIBTORCH_BYPASS_VERSION_CHECK", "1",
                "PATH", venv.python().getParent() + File.pathSeparator + System.getenv().getOrDefault("PATH", ""));
    }

    /**
     * What `cargo test --workspace` needs: the shared target folder, the libtorch build variables, and at run time
     * the venv's libtorch and ONNX Runtime Java's library (the same the rows get).
     */
    public Map<String, String> testEnvironment() {
        PythonVenv venv = new PythonVenv(root);
        Map<String, String> env = new java.util.HashMap<>(torchBuildEnvironment(venv));
        env.put("CARGO_TARGET_DIR", targetDir().toString());
        NativeLibraries.libtorchDir(venv).ifPresent(lib -> env.put("LD_LIBRARY_PATH", lib.toString()));
        NativeLibraries.onnxRuntime(root).ifPresent(lib -> env.put("ORT_DYLIB_PATH", lib.toString()));
        return env;
    }

    private Optional<String> build(String binary, Map<String, String> environment) {
        Optional<Path> cargo = Commands.find("cargo");
        if (cargo.isEmpty()) {
            return Optional.of("cargo not found on PATH (nor in ~/.cargo/bin)");
        }
        try {
            Map<String, String> env = new java.util.HashMap<>(environment);
            env.put("CARGO_TARGET_DIR", targetDir().toString());
            List<String> command = List.of(cargo.get().toString(), "build", "--release", "--locked", "-p", binary);
            Commands.Outcome built = mirror().locked(dir -> Commands.run(command, env, dir, log, 60));
            return built.ok() ? Optional.empty() : Optional.of(String.join(" ", command) + " failed: " + built.outputTail());
        } catch (IOException e) {
            return Optional.of("cannot run cargo: " + e.getMessage());
        }
    }
}
