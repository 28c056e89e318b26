package org.equibench.runner;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** One launcher per language for the whole run, so provisioning happens once. */
public final class Launchers {
    private final Map<String, Launcher> byLanguage = new ConcurrentHashMap<>();
    private final Path root;

    public Launchers(Path root) {
        this.root = root;
    }

    /** Adds or replaces the launcher of a language (another way to run rows, or a test's fake runner). */
    public void register(Launcher launcher) {
        byLanguage.put(launcher.language(), launcher);
    }

    public Launcher forLanguage(String language) {
        return byLanguage.computeIfAbsent(language, lang -> switch (lang) {
            case "java" -> new JavaForkLauncher(root);
            case "python" -> new PythonLauncher(root);
            case "rust" -> new RustLauncher(root);
            default -> throw new IllegalArgumentException("no launcher for language " + lang);
        });
    }
}
