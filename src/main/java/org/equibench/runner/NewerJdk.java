package org.equibench.runner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The newer JDK for Java rows whose library needs more than the project's Java 17 (Jlama: Java 20+ and the Vector
 * API): {@code -Dequibench.jdk21.home}, else the Temurin 25 the machine image ships. Such a row's classes are
 * compiled by that JDK apart (target/classes-java21) and its forked JVM runs on it; the manifest records the JVM.
 */
final class NewerJdk {
    static final Set<String> ROWS = Set.of("java/jlama");
    static final String CLASSES = "target/classes-java21";
    private static final String DEFAULT = "/usr/lib/jvm/temurin-25-jdk-amd64";

    private NewerJdk() {
    }

    static Optional<Path> home() {
        Path home = Path.of(System.getProperty("equibench.jdk21.home", DEFAULT));
        return Files.isExecutable(home.resolve("bin/java")) ? Optional.of(home) : Optional.empty();
    }

    static String describeSearch() {
        return System.getProperty("equibench.jdk21.home", DEFAULT) + " (set -Dequibench.jdk21.home)";
    }
}
