package org.equibench.report;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** results/charts/&lt;task&gt;-&lt;kind&gt;[-&lt;phase&gt;].png: the latest run's charts as files, older ones removed. */
public final class ChartFiles {
    private ChartFiles() {
    }

    /** Replaces the PNGs in {@code dir} by these charts; returns the files written. */
    public static List<Path> write(Path dir, List<ChartImage> charts) throws IOException {
        Files.createDirectories(dir);
        try (DirectoryStream<Path> old = Files.newDirectoryStream(dir, "*.png")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        return charts.stream().map(c -> writeOne(dir.resolve(c.fileStem() + ".png"), c.png())).toList();
    }

    static Path writeOne(Path file, byte[] png) {
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, png);
            return Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
