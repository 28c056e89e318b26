package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The machine and toolchains a run used, read from the system (never typed in). Missing tools read "absent". */
public final class HostInfo {
    private HostInfo() {
    }

    public static Map<String, Object> collect(Path root, Path python) {
        Map<String, Object> host = new LinkedHashMap<>();
        host.put("cpu_model", org.equibench.measure.ProcessHost.cpuModel(Path.of("/proc/cpuinfo")));
        host.put("cores", Runtime.getRuntime().availableProcessors());
        host.put("memory_bytes", memTotal());
        host.put("os", osName() + " (kernel " + System.getProperty("os.version") + ", " + System.getProperty("os.arch") + ")");
        host.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        String py = Files.isExecutable(python) ? python.toString() : "python3";
        host.put("python", command(root, py, "--version"));
        host.put("numpy", command(root, py, "-c", "import numpy; print(numpy.__version__)"));
        host.put("sklearn", command(root, py, "-c", "import sklearn; print(sklearn.__version__)"));
        host.put("rustc", command(root, "rustc", "--version"));
        host.put("cargo", command(root, "cargo", "--version"));
        return host;
    }

    public static String gitCommit(Path root) {
        String sha = command(root, "git", "rev-parse", "HEAD");
        return sha.startsWith("absent") ? "unknown" : sha;
    }

    static long memTotal() {
        return org.equibench.measure.ProcMemory.statusBytes(Path.of("/proc/meminfo"), "MemTotal:");
    }

    static String osName() {
        try {
            return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
                    .map(l -> l.substring(13).replace("\"", "")).findFirst().orElse(System.getProperty("os.name"));
        } catch (IOException e) {
            return System.getProperty("os.name");
        }
    }

    /** First line of a command's output, or "absent (...)" when it cannot run. */
    static String command(Path dir, String... cmd) {
        try {
            Process p = new ProcessBuilder(List.of(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return "absent (" + cmd[0] + " failed)";
            }
            return out.lines().findFirst().orElse("");
        } catch (IOException e) {
            return "absent (" + cmd[0] + " not found)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "absent (interrupted)";
        }
    }
}
