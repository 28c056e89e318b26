package org.equibench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.equibench.task.Tasks;

/**
 * {@code charts RESULTS.json OUT_DIR [--one-per-kind]}: draws the charts of a results file as PNGs into OUT_DIR
 * (claims files are read from the working directory). With {@code --one-per-kind}, only the first chart of each
 * kind, named after the kind: the README's examples in docs/charts/.
 */
public final class ChartsMain {
    private ChartsMain() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3 || (args.length == 3 && !args[2].equals("--one-per-kind"))) {
            System.err.println("usage: charts RESULTS.json OUT_DIR [--one-per-kind]");
            System.exit(2);
        }
        List<ChartImage> charts = TaskCharts.ofRun(ResultsFile.read(Path.of(args[0])), Tasks.all(), Path.of("."));
        Path out = Path.of(args[1]);
        if (args.length == 3) {
            Files.createDirectories(out);
            Map<ChartKind, ChartImage> first = new EnumMap<>(ChartKind.class);
            charts.forEach(c -> first.putIfAbsent(c.kind(), c));
            first.forEach((kind, c) -> System.out.println(ChartFiles.writeOne(out.resolve(kind.id() + ".png"), c.png())
                    + "  (" + c.title() + ")"));
        } else {
            ChartFiles.write(out, charts).forEach(System.out::println);
        }
    }
}
