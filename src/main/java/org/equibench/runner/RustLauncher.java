package org.equibench.runner;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.provision.NativeLibraries;
import org.equibench.runner.provision.PythonVenv;
import org.equibench.runner.provision.RustBuild;

/**
 * Rust rows: the release binaries of containers/rust (see {@link RustBuild}); libtorch's and llama.cpp's rows run in
 * binaries of their own, the others in the main one.
 */
public final class RustLauncher implements Launcher {
    private final RustBuild build;
    private final PythonVenv venv;
    private final Path root;

    public RustLauncher(Path root) {
        this.build = new RustBuild(root);
        this.venv = new PythonVenv(root);
        this.root = root;
    }

    @Override
    public String language() {
        return "rust";
    }

    @Override
    public Optional<String> unavailableReason() {
        return build.ensure();
    }

    @Override
    public Optional<String> unavailableReason(String impl) {
        return build.ensureFor(impl);
    }

    @Override
    public Path workingDirectory() {
        return build.projectDir();
    }

    @Override
    public List<String> listCommand() {
        return List.of(build.binary(RustBuild.MAIN).toString(), "--list");
    }

    @Override
    public List<List<String>> listCommands() {
        List<List<String>> commands = new java.util.ArrayList<>(List.of(listCommand()));
        if (build.ensureTorch().isEmpty()) {
            commands.add(List.of(build.binary(RustBuild.TORCH).toString(), "--list"));
        }
        if (build.ensureLlama().isEmpty()) {
            commands.add(List.of(build.binary(RustBuild.LLAMA).toString(), "--list"));
        }
        if (build.ensureBurn().isEmpty()) {
            commands.add(List.of(build.binary(RustBuild.BURN).toString(), "--list"));
        }
        return commands;
    }

    /** Where the ort rows find ONNX Runtime Java's library, and the tch rows the venv's libtorch. */
    @Override
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        NativeLibraries.onnxRuntime(root).ifPresent(lib -> env.put("ORT_DYLIB_PATH", lib.toString()));
        NativeLibraries.libtorchDir(venv).ifPresent(lib -> env.put("LD_LIBRARY_PATH", lib.toString()));
        return env;
    }

    @Override
    public List<String> command(RunSpec spec, Path specFile, Path outDir) {
        return List.of(build.binary(RustBuild.binaryFor(spec.impl())).toString(), "--spec", specFile.toString(), "--out", outDir.toString());
    }
}
