package org.equibench.runner.provision;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Run by the Maven build (process-test-classes) so that `mvn test` provisions the Python venv and the Rust
 * runner itself. A missing toolchain only warns here, unless -Dequibench.require=all: then it fails the build.
 */
public final class ProvisionMain {
    private ProvisionMain() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        boolean requireAll = "all".equalsIgnoreCase(System.getProperty("equibench.require", ""));
        Optional<String> python = new PythonVenv(root).ensure();
        report("python", python);
        RustBuild build = new RustBuild(root);
        Optional<String> rust = build.ensure();
        report("rust", rust);
        Optional<String> rustTorch = build.ensureTorch();
        report("rust libtorch", rustTorch);
        Optional<String> rustLlama = build.ensureLlama();
        report("rust llama.cpp", rustLlama);
        Optional<String> rustBurn = build.ensureBurn();
        report("rust burn", rustBurn);
        if (requireAll && (python.isPresent() || rust.isPresent() || rustTorch.isPresent() || rustLlama.isPresent()
                || rustBurn.isPresent())) {
            System.err.println("[equibench] equibench.require=all and a toolchain is missing: failing the build");
            System.exit(1);
        }
    }

    private static void report(String language, Optional<String> problem) {
        System.out.println("[equibench] " + language + " runner: " + problem.map(p -> "UNAVAILABLE — " + p).orElse("ready"));
    }
}
