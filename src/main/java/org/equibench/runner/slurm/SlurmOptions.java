package org.equibench.runner.slurm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How the matrix is submitted to Slurm, read from system properties: {@code equibench.executor=slurm} turns it on;
 * {@code equibench.slurm.partition}, {@code .account}, {@code .qos}, {@code .constraint}, {@code .gres} pass
 * through to sbatch as their options; {@code .mem} is each array task's memory ({@code --mem}, default 8G: Slurm
 * kills a task that exceeds it); {@code .sbatch-args} adds any other sbatch options, space-separated;
 * {@code .poll-seconds} is how often squeue is asked (default 2).
 */
public record SlurmOptions(String partition, String account, String qos, String constraint, String gres, String mem,
                           List<String> extraArgs, double pollSeconds) {

    public static final String DEFAULT_MEM = "8G";

    /** The options when {@code equibench.executor} is slurm; empty for a local run. */
    public static Optional<SlurmOptions> fromSystemProperties() {
        String executor = System.getProperty("equibench.executor", "local").trim().toLowerCase(java.util.Locale.ROOT);
        switch (executor) {
            case "local", "" -> {
                return Optional.empty();
            }
            case "slurm" -> {
                String extra = System.getProperty("equibench.slurm.sbatch-args", "").trim();
                return Optional.of(new SlurmOptions(prop("partition"), prop("account"), prop("qos"), prop("constraint"),
                        prop("gres"), System.getProperty("equibench.slurm.mem", DEFAULT_MEM).trim(),
                        extra.isEmpty() ? List.of() : Arrays.asList(extra.split("\\s+")),
                        Double.parseDouble(System.getProperty("equibench.slurm.poll-seconds", "2"))));
            }
            default -> throw new IllegalArgumentException("equibench.executor must be local or slurm, got '" + executor + "'");
        }
    }

    /** No partition, account or other choice: the cluster's defaults, with the default memory. */
    public static SlurmOptions defaults() {
        return new SlurmOptions(null, null, null, null, null, DEFAULT_MEM, List.of(), 2);
    }

    public SlurmOptions withMem(String other) {
        return new SlurmOptions(partition, account, qos, constraint, gres, other, extraArgs, pollSeconds);
    }

    /** The sbatch options these settings add, one "--name=value" each. */
    public List<String> sbatchOptions() {
        Map<String, String> named = new LinkedHashMap<>();
        named.put("partition", partition);
        named.put("account", account);
        named.put("qos", qos);
        named.put("constraint", constraint);
        named.put("gres", gres);
        named.put("mem", mem);
        List<String> options = new ArrayList<>();
        named.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                options.add("--" + k + "=" + v.trim());
            }
        });
        options.addAll(extraArgs);
        return options;
    }

    private static String prop(String name) {
        String v = System.getProperty("equibench.slurm." + name);
        return v == null || v.isBlank() ? null : v.trim();
    }
}
