package org.equibench.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * One run at a time in a working folder: two runs in one checkout would write the same row folders and read each
 * other's outputs. The lock is the operating system's (released when the process ends, however it ends); the
 * file says who holds it, for the message the second run prints.
 */
public final class RunLock implements AutoCloseable {
    public static final String FILE = "run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the folder's lock, or fails saying which run holds it. */
    public static RunLock acquire(Path workDir) throws IOException {
        Files.createDirectories(workDir);
        Path file = workDir.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very JVM
        }
        if (lock == null) {
            String holder = Files.readString(file, StandardCharsets.UTF_8).strip();
            channel.close();
            throw new IllegalStateException("another equibench run is using " + workDir + " ("
                    + (holder.isEmpty() ? "holder unknown" : holder) + "); wait for it to end, or run from another checkout");
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + ", started " + Instant.now())
                .getBytes(StandardCharsets.UTF_8)), 0);
        return new RunLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
