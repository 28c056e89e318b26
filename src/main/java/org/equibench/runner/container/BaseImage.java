package org.equibench.runner.container;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.equibench.data.Sha256;
import org.equibench.runner.provision.CacheDir;
import org.equibench.runner.provision.Commands;

/**
 * The base image every row container starts from, {@value ContainerOptions#LOCAL_BASE}, built here without a
 * registry: {@code debootstrap --variant=minbase bookworm} from the Debian mirror apt uses, with the system libraries
 * the rows' mounted programs link to ({@link #PACKAGES}: Debian's python3.11, and what the pyenv interpreter, the
 * wheels, the Rust binaries, libtorch, ONNX Runtime and the JDK's headless libraries need), tarred and imported.
 * <p>
 * Cached by a key over the package list, suite and mirror: the rootfs tarball under
 * {@code <cache>/containers/base-KEY.tar} (debootstrap runs once per machine: about a minute), and the image tagged
 * {@code equibench/base:bookworm-KEY} (a warm run finds it and only tags it {@code bookworm}). debootstrap needs root.
 */
public final class BaseImage {
    public static final String SUITE = "bookworm";
    public static final List<String> PACKAGES = List.of("python3.11", "libpython3.11-stdlib", "libssl3", "libncursesw6", "libtinfo6",
            "libreadline8", "libsqlite3-0", "libffi8", "libbz2-1.0", "liblzma5", "libuuid1", "zlib1g", "libexpat1", "libgomp1",
            "libstdc++6", "libgcc-s1", "libbrotli1", "libcrypt1", "libnsl2", "libtirpc3");

    private BaseImage() {
    }

    /** The cache key of the base image: the suite, the packages and the mirror. */
    public static String key(String mirror) {
        return Sha256.of(SUITE + "\n" + String.join(",", PACKAGES) + "\n" + mirror).substring(0, 12);
    }

    /**
     * Makes sure {@code options.baseImage()} exists: the local base is built or re-imported when missing; another
     * name must already be in the engine (nothing is pulled). Returns what was done, for the log.
     */
    public static String ensure(ContainerOptions options, Path log) throws IOException {
        if (!options.baseImage().equals(ContainerOptions.LOCAL_BASE)) {
            if (!DockerEngine.hasImage(options.baseImage())) {
                throw new IOException("base image " + options.baseImage() + " (-Dequibench.container.base-image) is not in the "
                        + "Docker engine, and equibench never pulls: load or build it first");
            }
            return "base image " + options.baseImage() + " given";
        }
        String mirror = options.mirror().isBlank() ? aptMirror(Path.of("/etc/apt")) : options.mirror();
        String key = key(mirror);
        String keyed = "equibench/base:" + SUITE + "-" + key;
        if (DockerEngine.hasImage(keyed)) {
            tag(keyed);
            return "base image " + keyed + " reused";
        }
        Path dir = CacheDir.root().resolve("containers");
        Files.createDirectories(dir);
        Path tarball = dir.resolve("base-" + key + ".tar");
        long t0 = System.nanoTime();
        String how = "re-imported from " + tarball;
        if (!Files.isRegularFile(tarball)) {
            debootstrap(mirror, tarball, log);
            how = "built with debootstrap from " + mirror;
        }
        // docker import through the CLI: docker-java's import (createImageCmd) breaks off a 250 MB upload here
        // ("Error processing tar file: unexpected EOF").
        if (Commands.find("docker").isEmpty()) {
            throw new IOException("the base image is imported with the docker command, which is not on PATH");
        }
        Commands.Outcome imported = Commands.run(List.of("docker", "import", "--change", "LABEL org.equibench.base-key=" + key,
                tarball.toString(), keyed), dir, log, 10);
        if (!imported.ok()) {
            throw new IOException("docker import of " + tarball + " failed: " + imported.outputTail());
        }
        tag(keyed);
        return "base image " + keyed + " " + how + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms";
    }

    private static void tag(String keyed) {
        DockerEngine.client().tagImageCmd(keyed, "equibench/base", SUITE).withForce().exec();
    }

    private static void debootstrap(String mirror, Path tarball, Path log) throws IOException {
        if (Commands.find("debootstrap").isEmpty()) {
            throw new IOException("the base image " + ContainerOptions.LOCAL_BASE + " is built with debootstrap, which is not on PATH "
                    + "(apt-get install debootstrap), or pass -Dequibench.container.base-image");
        }
        Path rootfs = Files.createTempDirectory(tarball.getParent(), "rootfs-");
        try {
            Commands.Outcome made = Commands.run(asRoot(List.of("debootstrap", "--variant=minbase", "--include="
                    + String.join(",", PACKAGES), SUITE, rootfs.toString(), mirror)), rootfs.getParent(), log, 30);
            if (!made.ok()) {
                throw new IOException("debootstrap of the base image failed (exit " + made.exitCode() + ", log " + log + "; it needs root "
                        + "and the mirror " + mirror + "): " + made.outputTail());
            }
            Path partial = tarball.resolveSibling(tarball.getFileName() + ".partial");
            // root's files of the tree (/etc/shadow, device nodes) are read as root; the tarball is then the user's
            Commands.Outcome tarred = Commands.run(asRoot(List.of("sh", "-c", "tar -C \"$1\" -cf - . > \"$2\"", "tar",
                    rootfs.toString(), partial.toString())), rootfs.getParent(), log, 10);
            if (!tarred.ok()) {
                throw new IOException("cannot tar the base image's root " + rootfs + ": " + tarred.outputTail());
            }
            Files.move(partial, tarball, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Commands.run(asRoot(List.of("rm", "-rf", rootfs.toString())), rootfs.getParent(), log, 5);
        }
    }

    /**
     * A command that needs root: as it is when this is root, else through password-less {@code sudo -n} (GitHub's
     * runners, a developer's machine), which fails at once, naming itself, where sudo would ask for a password.
     */
    static List<String> asRoot(List<String> command) {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root || Commands.find("sudo").isEmpty()) {
            return command;
        }
        List<String> sudo = new java.util.ArrayList<>(List.of("sudo", "-n"));
        sudo.addAll(command);
        return sudo;
    }

    /** The first Debian (not security, not updates) mirror apt is configured with, else deb.debian.org. */
    static String aptMirror(Path etcApt) {
        List<Path> files = new java.util.ArrayList<>();
        files.add(etcApt.resolve("sources.list"));
        try (var s = Files.list(etcApt.resolve("sources.list.d"))) {
            s.sorted().forEach(files::add);
        } catch (IOException e) {
            // no sources.list.d
        }
        for (Path f : files) {
            Optional<String> found = mirrorIn(f);
            if (found.isPresent()) {
                return found.get();
            }
        }
        return "http://deb.debian.org/debian";
    }

    /** A mirror with the bookworm suite in one apt sources file (one-line or deb822 format). */
    static Optional<String> mirrorIn(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        String uri = null;
        for (String raw : lines) {
            String line = raw.strip();
            if (line.startsWith("deb ") && line.matches("deb\\s+(\\[[^]]*]\\s+)?\\S+\\s+" + SUITE + "\\s.*")) {
                String[] parts = line.replaceFirst("\\[[^]]*]\\s+", "").split("\\s+");
                if (parts[1].endsWith("/debian")) {
                    return Optional.of(parts[1]);
                }
            } else if (line.startsWith("URIs:")) {
                uri = line.substring(5).trim().split("\\s+")[0];
            } else if (line.startsWith("Suites:") && uri != null && List.of(line.substring(7).trim().split("\\s+")).contains(SUITE)
                    && uri.endsWith("/debian")) {
                return Optional.of(uri);
            } else if (line.isEmpty()) {
                uri = null;
            }
        }
        return Optional.empty();
    }
}
