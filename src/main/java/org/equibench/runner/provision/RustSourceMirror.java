package org.equibench.runner.provision;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One copy of the Rust workspace at a fixed place in the cache folder, which every clone builds from. Cargo
 * fingerprints a workspace crate by its path and its files' modification times, so building each clone's own
 * {@code containers/rust} into the shared target rebuilt every workspace crate (minutes) at every new clone and
 * whenever two clones took turns. The mirror is updated file by file, and only where the bytes differ, so a
 * clone with the same sources leaves it untouched and Cargo finds nothing to do.
 * <p>
 * An OS file lock is held while the mirror is updated and built from, so that two runs on the machine never
 * build one clone's sources while another's are being copied in.
 */
public final class RustSourceMirror {
    private static final Set<String> SKIPPED = Set.of("target", ".git");

    private final Path source;
    private final Path mirror;

    public RustSourceMirror(Path source, Path cacheRoot) {
        this.source = source;
        this.mirror = cacheRoot.resolve("rust-workspace");
    }

    public Path dir() {
        return mirror;
    }

    /** What {@link #locked} runs with the mirror up to date and the lock held. */
    public interface Work<T> {
        T run(Path mirror) throws IOException;
    }

    /** Brings the mirror up to date with the source and runs {@code work} on it, holding the machine-wide lock. */
    public <T> T locked(Work<T> work) throws IOException {
        Files.createDirectories(mirror.getParent());
        synchronized (RustSourceMirror.class) { // a JVM may hold a file lock once: threads queue here first
            try (FileChannel channel = FileChannel.open(mirror.getParent().resolve("rust-workspace.lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                sync();
                return work.run(mirror);
            }
        }
    }

    /** Copies what differs, removes what the source no longer has; returns how many files were written. */
    int sync() throws IOException {
        Files.createDirectories(mirror);
        Set<Path> wanted = new HashSet<>();
        int written = 0;
        for (Path file : files(source)) {
            Path relative = source.relativize(file);
            wanted.add(relative);
            Path target = mirror.resolve(relative.toString());
            if (!Files.isRegularFile(target) || !sameBytes(file, target)) {
                Files.createDirectories(target.getParent());
                Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                written++;
            }
        }
        for (Path file : files(mirror)) {
            if (!wanted.contains(Path.of(mirror.relativize(file).toString()))) {
                Files.delete(file);
            }
        }
        return written;
    }

    private static boolean sameBytes(Path a, Path b) throws IOException {
        return Files.size(a) == Files.size(b) && Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    /** The regular files under {@code dir}, leaving out build outputs and git's folder. */
    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        Path relative = dir.relativize(p);
                        return relative.getNameCount() > 0 && !SKIPPED.contains(relative.getName(0).toString());
                    })
                    .toList();
        }
    }
}
