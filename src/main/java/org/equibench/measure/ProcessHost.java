package org.equibench.measure;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine a runner process ran on: its short host name and CPU model. Recorded per process, because on a
 * cluster the rounds of one row may land on different nodes, and a row timed on two CPU models is not one figure.
 */
public record ProcessHost(String name, String cpuModel) {

    /** This JVM's machine. */
    public static ProcessHost local() {
        return new ProcessHost(shortHostName(), cpuModel(Path.of("/proc/cpuinfo")));
    }

    /** The first "model name" in a cpuinfo file, or "unknown". */
    public static String cpuModel(Path cpuinfo) {
        try {
            return Files.readAllLines(cpuinfo).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String shortHostName() {
        String name = System.getenv("HOSTNAME");
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                name = "unknown";
            }
        }
        int dot = name.indexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
