package org.equibench.runner.container;

import java.util.Locale;
import java.util.Optional;

/**
 * How rows run in containers, read from system properties: {@code equibench.runtime=container} turns it on (default
 * {@code local}); every container of the run gets the same limits, {@code equibench.container.cpus} (default: the
 * run's {@code equibench.threads}), {@code equibench.container.cpuset} (default: the first that many CPUs, "0" for
 * one) and {@code equibench.container.memory} (default 8g, swap none); {@code equibench.container.base-image} (default
 * {@value #LOCAL_BASE}, built here from Debian's packages; another name is used as it is, e.g. an official image
 * from a registry) and {@code equibench.container.mirror} (the Debian mirror debootstrap uses; default the first one
 * apt is configured with).
 */
public record ContainerOptions(double cpus, String cpuset, String memory, String baseImage, String mirror) {
    public static final String LOCAL_BASE = "equibench/base:bookworm";
    public static final String DEFAULT_MEMORY = "8g";

    /** The options when {@code equibench.runtime} is container; empty for a local run. */
    public static Optional<ContainerOptions> fromSystemProperties() {
        String runtime = System.getProperty("equibench.runtime", "local").trim().toLowerCase(Locale.ROOT);
        switch (runtime) {
            case "local", "" -> {
                return Optional.empty();
            }
            case "container" -> {
                int threads = Integer.parseInt(System.getProperty("equibench.threads", "1").trim());
                return Optional.of(defaults(threads)
                        .withCpus(Double.parseDouble(System.getProperty("equibench.container.cpus", String.valueOf(threads)).trim()))
                        .withCpuset(System.getProperty("equibench.container.cpuset", defaultCpuset(threads)).trim())
                        .withMemory(System.getProperty("equibench.container.memory", DEFAULT_MEMORY).trim())
                        .withBaseImage(System.getProperty("equibench.container.base-image", LOCAL_BASE).trim())
                        .withMirror(System.getProperty("equibench.container.mirror", "").trim()));
            }
            default -> throw new IllegalArgumentException("equibench.runtime must be local or container, got '" + runtime + "'");
        }
    }

    /** The defaults for rows of {@code threads} compute threads. */
    public static ContainerOptions defaults(int threads) {
        return new ContainerOptions(threads, defaultCpuset(threads), DEFAULT_MEMORY, LOCAL_BASE, "");
    }

    public ContainerOptions {
        if (!(cpus > 0)) {
            throw new IllegalArgumentException("equibench.container.cpus must be a positive number of CPUs, got " + cpus);
        }
        memoryBytes(memory); // fails on a malformed limit
    }

    public ContainerOptions withCpus(double other) {
        return new ContainerOptions(other, cpuset, memory, baseImage, mirror);
    }

    public ContainerOptions withCpuset(String other) {
        return new ContainerOptions(cpus, other, memory, baseImage, mirror);
    }

    public ContainerOptions withMemory(String other) {
        return new ContainerOptions(cpus, cpuset, other, baseImage, mirror);
    }

    public ContainerOptions withBaseImage(String other) {
        return new ContainerOptions(cpus, cpuset, memory, other, mirror);
    }

    public ContainerOptions withMirror(String other) {
        return new ContainerOptions(cpus, cpuset, memory, baseImage, other);
    }

    /** The limits as docker run would take them, for the manifest and the report. */
    public String describe() {
        return "--cpus=" + (cpus == Math.rint(cpus) ? String.valueOf((long) cpus) : String.valueOf(cpus)) + " --cpuset-cpus=" + cpuset
                + " --memory=" + memory + " --memory-swap=" + memory + " --network=none";
    }

    public long memoryBytes() {
        return memoryBytes(memory);
    }

    /** "512m", "8g", "1073741824": bytes (k, m, g are powers of 1024, as Docker reads them). */
    static long memoryBytes(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (t.endsWith("b")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.endsWith("k")) {
            unit = 1L << 10;
        } else if (t.endsWith("m")) {
            unit = 1L << 20;
        } else if (t.endsWith("g")) {
            unit = 1L << 30;
        }
        if (unit > 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            long n = Long.parseLong(t.trim());
            if (n > 0 && unit * n >= 6L << 20) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("equibench.container.memory must be a size of at least 6m such as 512m or 8g, got '" + text + "'");
    }

    static String defaultCpuset(int threads) {
        int n = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        return n == 1 ? "0" : "0-" + (n - 1);
    }
}
