package org.equibench.runner.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.RunSpec;
import org.equibench.runner.provision.CacheDir;

/**
 * The host folders a row's container sees, each at the same absolute path as on the host, so the launcher's command
 * line, environment and spec work unchanged: read-only, the project (classes, data, runner sources), the cache
 * folder (the venv, the Rust binaries, the native libraries, the models), the Maven repository (the Java rows'
 * classpath), the program's own prefix (a pyenv interpreter, the JDK with its {@code /etc/java-NN-openjdk}), the spec
 * and every input it names; writable, only the row's output folder and the folder the entrypoint writes the cgroup
 * figures to. System folders ({@code /usr}, {@code /lib}, {@code /etc}, …) come from the image, except a JDK under
 * {@code /usr/lib/jvm}.
 */
public final class ContainerMounts {
    private static final List<String> SYSTEM = List.of("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc", "/proc", "/sys", "/dev",
            "/var", "/run");

    /** One bind: a host path at the same path inside the container. */
    public record Mount(Path path, boolean writable) {
    }

    private ContainerMounts() {
    }

    public static List<Mount> forRow(Path root, List<String> command, Map<String, String> environment, Path workDir, RunSpec spec,
                                     Path specFile, Path outDir, Path figuresDir) {
        List<Path> broad = new ArrayList<>(List.of(root, CacheDir.root(), Path.of(System.getProperty("user.home"), ".m2", "repository")));
        List<Path> needed = new ArrayList<>();
        for (String arg : command) {
            pathsIn(arg).forEach(needed::add);
        }
        environment.values().forEach(v -> pathsIn(v).forEach(needed::add));
        needed.add(workDir);
        needed.add(specFile);
        if (spec.inputs() != null) {
            for (InputFile f : spec.inputs().values()) {
                needed.add(Path.of(f.path()));
            }
        }
        needed.addAll(programPrefix(Path.of(command.get(0))));
        Map<Path, Boolean> mounts = new LinkedHashMap<>();
        mounts.put(outDir.toAbsolutePath().normalize(), true);
        mounts.put(figuresDir.toAbsolutePath().normalize(), true);
        for (Path raw : needed) {
            Path p = raw.toAbsolutePath().normalize();
            if (!Files.exists(p) || p.getNameCount() == 0 || covered(mounts, p)) {
                continue;
            }
            Path chosen = broad.stream().map(b -> b.toAbsolutePath().normalize()).filter(p::startsWith).findFirst().orElse(p);
            Path jdk = jvmHome(chosen);
            if (jdk != null) {
                chosen = jdk;
            } else if (system(chosen) && !chosen.toString().startsWith("/etc/java-")) {
                continue;
            }
            if (!covered(mounts, chosen)) {
                mounts.put(chosen, false);
            }
        }
        return mounts.entrySet().stream().map(e -> new Mount(e.getKey(), e.getValue())).toList();
    }

    private static boolean covered(Map<Path, Boolean> mounts, Path p) {
        return mounts.keySet().stream().anyMatch(m -> p.startsWith(m) && !mounts.get(m)) || mounts.containsKey(p);
    }

    /** Absolute paths in a command-line argument or variable: itself, or each entry of a ':'-separated list. */
    static Stream<Path> pathsIn(String value) {
        if (value == null) {
            return Stream.empty();
        }
        return Stream.of(value.split(java.io.File.pathSeparator)).filter(s -> s.startsWith("/")).map(Path::of);
    }

    /**
     * The installation a program belongs to, found through its links: {@code PREFIX/bin/PROGRAM} gives PREFIX (a venv's
     * python links to its interpreter's bin/, whose lib/ holds the standard library); for a JDK also the
     * {@code /etc/java-NN-openjdk} its configuration links to.
     */
    static List<Path> programPrefix(Path program) {
        List<Path> found = new ArrayList<>();
        try {
            Path real = program.toRealPath();
            for (Path p : List.of(program, real)) {
                Path bin = p.getParent();
                if (bin != null && bin.getFileName() != null && bin.getFileName().toString().equals("bin") && bin.getParent() != null) {
                    found.add(bin.getParent());
                }
            }
            Path jdk = jvmHome(real);
            if (jdk != null) {
                found.add(jdk);
                found.addAll(etcLinks(jdk.resolve("conf")));
            }
        } catch (IOException e) {
            // a program that is not there fails in the container, with its own message
        }
        return found;
    }

    /** {@code /usr/lib/jvm/NAME} for a path inside a JDK installed there, else null. */
    static Path jvmHome(Path p) {
        Path jvm = Path.of("/usr/lib/jvm");
        return p.startsWith(jvm) && p.getNameCount() > jvm.getNameCount() ? jvm.resolve(p.getName(jvm.getNameCount())) : null;
    }

    /** The {@code /etc/NAME} folders that links under {@code dir} point into (Debian's JDK keeps its configuration there). */
    private static List<Path> etcLinks(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> walk = Files.walk(dir, 4)) {
            return walk.filter(Files::isSymbolicLink).map(l -> {
                try {
                    return l.toRealPath();
                } catch (IOException e) {
                    return null;
                }
            }).filter(t -> t != null && t.startsWith("/etc") && t.getNameCount() > 1).map(t -> Path.of("/etc").resolve(t.getName(1)))
                    .distinct().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static boolean system(Path p) {
        return SYSTEM.stream().anyMatch(s -> p.startsWith(s));
    }
}
