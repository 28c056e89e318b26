package org.equibench.runner.slurm;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Slurm commands the harness uses: sbatch to submit, squeue to follow (sbatch --wait is slow to notice the
 * end), scontrol or sacct to say how an array task ended, scancel to stop. Each is a plain process, so the
 * harness needs only the Slurm client commands on its PATH.
 */
public final class SlurmClient {
    private final Map<String, String> environment;

    /** Commands that find the cluster the usual way (/etc/slurm/slurm.conf, or SLURM_CONF already set). */
    public SlurmClient() {
        this(Map.of());
    }

    /** Commands run with these variables added, e.g. SLURM_CONF of a private cluster; sbatch passes them to the jobs. */
    public SlurmClient(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Submits a script; returns the job id. */
    public String submit(Path script) throws IOException {
        String out = run(SbatchScript.submitCommand(script)).strip();
        // --parsable prints "ID" or "ID;CLUSTER"
        String id = out.lines().reduce((a, b) -> b).orElse("").split(";")[0].trim();
        if (!id.matches("\\d+")) {
            throw new IOException("sbatch did not print a job id: " + out);
        }
        return id;
    }

    /** The array indices of the job still pending or running. */
    public Set<Integer> unfinished(String jobId) throws IOException {
        Set<Integer> indices = new HashSet<>();
        for (String line : run(List.of("squeue", "-h", "-r", "-j", jobId, "-o", "%K")).split("\n")) {
            String l = line.trim();
            if (l.matches("\\d+")) {
                indices.add(Integer.parseInt(l));
            }
        }
        return indices;
    }

    /**
     * How an array task ended, e.g. "FAILED (JobLaunchFailure), exit code 0:9" or "CANCELLED, exit code 0:15": from
     * scontrol while the controller still remembers the job, else from sacct where accounting is kept.
     */
    public String endState(String jobId, int index) {
        try {
            String out = run(List.of("scontrol", "-o", "show", "job", jobId + "_" + index));
            String state = field(out, "JobState");
            if (state != null) {
                String reason = field(out, "Reason");
                return state + (reason == null || reason.equals("None") ? "" : " (" + reason + ")") + ", exit code "
                        + field(out, "ExitCode");
            }
        } catch (IOException e) {
            // forgotten by the controller: ask accounting
        }
        try {
            String out = run(List.of("sacct", "-n", "-P", "-X", "-j", jobId + "_" + index, "-o", "State,ExitCode")).strip();
            if (!out.isEmpty()) {
                String[] f = out.lines().findFirst().orElseThrow().split("\\|");
                return f[0] + (f.length > 1 ? ", exit code " + f[1] : "");
            }
        } catch (IOException e) {
            // no accounting either
        }
        return "state unknown (neither scontrol nor sacct knows job " + jobId + "_" + index + ")";
    }

    public void cancel(String jobId) {
        try {
            run(List.of("scancel", jobId));
        } catch (IOException e) {
            System.err.println("[equibench] scancel " + jobId + " failed: " + e.getMessage());
        }
    }

    static String field(String scontrolLine, String name) {
        for (String word : scontrolLine.split("\\s+")) {
            if (word.startsWith(name + "=")) {
                return word.substring(name.length() + 1);
            }
        }
        return null;
    }

    private String run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not answer in 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(String.join(" ", command) + " interrupted");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + p.exitValue() + "): " + out.strip());
        }
        return out;
    }
}
