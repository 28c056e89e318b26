package org.equibench.report;

import java.io.IOException;
import java.nio.file.Path;
import org.equibench.task.Tasks;

/** Rewrites the generated tables of README.md and containers/PROTOCOL.md from the task declarations. */
public final class DocTablesMain {
    private DocTablesMain() {
    }

    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : ".");
        DocTables.rewrite(root.resolve("README.md"), Tasks.all());
        DocTables.rewrite(root.resolve("containers/PROTOCOL.md"), Tasks.all());
    }
}
