package org.equibench.runner.provision;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Run by the Maven build (test phase): the Python runner's pytest tests and the Rust runner's cargo tests, so the
 * test command covers every runner core. Their output goes to the build log. A missing toolchain skips its tests
 * with the reason, unless -Dequibench.require=all; a failing test fails the build.
 */
public final class RunnerTestsMain {
    private RunnerTestsMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        boolean requireAll = "all".equalsIgnoreCase(System.getProperty("equibench.require", ""));
        List<String> failures = new ArrayList<>();

        PythonVenv venv = new PythonVenv(root);
        run("python", venv.ensure(), List.of(venv.python().toString(), "-m", "pytest", "-q", "tests"), venv.projectDir(),
                requireAll, failures, java.util.Map.of());
        RustBuild rust = new RustBuild(root);
        Optional<String> cargo = rust.ensure().or(() -> Commands.find("cargo").isEmpty() ? Optional.of("cargo not found") : Optional.empty());
        List<String> cargoTest = List.of(Commands.find("cargo").map(Path::toString).orElse("cargo"), "test", "--release", "--locked",
                "--quiet", "--workspace");
        if (cargo.isPresent()) {
            run("rust", cargo, cargoTest, rust.projectDir(), requireAll, failures, rust.testEnvironment());
        } else {
            // the tests build in the same path-stable copy as the binaries, so they reuse its compiled crates
            rust.mirror().locked(dir -> {
                run("rust", cargo, cargoTest, dir, requireAll, failures, rust.testEnvironment());
                return null;
            });
        }

        if (!failures.isEmpty()) {
            System.err.println("[equibench] runner tests failed: " + String.join("; ", failures));
            System.exit(1);
        }
    }

    private static void run(String language, Optional<String> unavailable, List<String> command, Path dir, boolean requireAll,
                            List<String> failures, java.util.Map<String, String> environment) throws IOException {
        if (unavailable.isPresent()) {
            String why = language + " runner unavailable: " + unavailable.get();
            if (requireAll) {
                failures.add(why + " (equibench.require=all)");
            } else {
                System.out.println("[equibench] " + language + " runner tests SKIPPED — " + why);
            }
            return;
        }
        System.out.println("[equibench] " + language + " runner tests: " + String.join(" ", command) + " (in " + dir + ")");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).inheritIO();
        pb.environment().putAll(environment);
        int exit;
        try {
            exit = pb.start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(language + " runner tests interrupted", e);
        }
        if (exit != 0) {
            failures.add(language + " runner tests exited with code " + exit);
        }
    }
}
