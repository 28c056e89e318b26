package org.equibench.junit;

import java.io.IOException;
import java.nio.file.Path;
import org.equibench.bench.BenchmarkSession;
import org.equibench.report.AllureAttachments;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** When the test run ends, writes results/ (JSON + Markdown) and Allure's environment.properties. */
public final class ResultsSessionListener implements LauncherSessionListener {
    @Override
    public void launcherSessionClosed(LauncherSession launcherSession) {
        BenchmarkSession session = BenchmarkSession.currentIfStarted();
        if (session == null || session.rows().isEmpty()) {
            return;
        }
        try {
            Path file = session.writeResults(session.settings().root().resolve("results"));
            System.out.println("[equibench] results written to " + file + " (and results/latest.json, results/latest.md)");
            String allureDir = System.getProperty("allure.results.directory");
            if (allureDir != null) {
                AllureAttachments.writeEnvironment(Path.of(allureDir), session.runInfo());
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write results", e);
        }
    }
}
