package org.equibench.slurm;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real one-node Slurm cluster for tests: Debian's munged, slurmctld and slurmd, each in the foreground as a
 * child of the test JVM, with a private slurm.conf, munge key and socket, state and spool folders under one
 * temporary folder, and free ports. Clients find it through SLURM_CONF ({@link #clientEnvironment()}).
 * {@link #close()} stops the daemons (slurmd first, then slurmctld, then munged) and leaves nothing running.
 */
final class LocalSlurmCluster implements AutoCloseable {
    private static final List<String> DAEMONS = List.of("/usr/sbin/munged", "/usr/sbin/slurmctld", "/usr/sbin/slurmd");

    private final Path dir;
    private final String node;
    private final List<Process> daemons = new ArrayList<>();

    private LocalSlurmCluster(Path dir, String node) {
        this.dir = dir;
        this.node = node;
    }

    /**
     * Empty with the reason when this machine cannot run one: the daemons need root (slurmd starts each job as its
     * user), either this JVM's or through password-less sudo (as on hosted CI runners), and Debian's packages.
     */
    static Optional<String> unavailableReason() {
        if (!isRoot() && !canSudo()) {
            return Optional.of("a private Slurm cluster needs root or password-less sudo (slurmd starts each job as its user); "
                    + "running as " + System.getProperty("user.name") + " without either");
        }
        for (String daemon : DAEMONS) {
            if (!Files.isExecutable(Path.of(daemon))) {
                return Optional.of(daemon + " is missing (Debian packages slurmctld, slurmd, slurm-client, munge)");
            }
        }
        return Files.isExecutable(Path.of("/usr/bin/sbatch")) ? Optional.empty()
                : Optional.of("/usr/bin/sbatch is missing (Debian package slurm-client)");
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean canSudo() {
        try {
            return new ProcessBuilder("sudo", "-n", "true").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the cluster and waits until its node takes jobs. */
    static LocalSlurmCluster start(Path dir) throws IOException, InterruptedException {
        LocalSlurmCluster cluster = new LocalSlurmCluster(dir, run(List.of("hostname", "-s"), Map.of()).strip());
        try {
            cluster.startDaemons();
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    Path dir() {
        return dir;
    }

    /** What a client command (sbatch, squeue, scontrol) needs to find this cluster. */
    Map<String, String> clientEnvironment() {
        return Map.of("SLURM_CONF", dir.resolve("slurm.conf").toString());
    }

    private void startDaemons() throws IOException, InterruptedException {
        Path munge = Files.createDirectories(dir.resolve("munge"));
        // munged refuses a socket folder others cannot reach, and a key others can read
        Files.setPosixFilePermissions(munge, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path key = dir.resolve("munge.key");
        byte[] secret = new byte[1024];
        new SecureRandom().nextBytes(secret);
        Files.write(key, secret);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        for (String sub : List.of("state", "spool", "log")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(dir.resolve("slurm.conf"), slurmConf());
        daemons.add(daemon("munged", List.of("/usr/sbin/munged", "--foreground", "--force", "--socket=" + socket(),
                "--key-file=" + key, "--pid-file=" + dir.resolve("munged.pid"), "--log-file=" + dir.resolve("log/munged.log"),
                "--seed-file=" + dir.resolve("munged.seed"))));
        waitFor(() -> Files.exists(socket()), "munged's socket " + socket(), "log/munged.log");
        String conf = dir.resolve("slurm.conf").toString();
        daemons.add(daemon("slurmctld", List.of("/usr/sbin/slurmctld", "-D", "-i", "-f", conf)));
        daemons.add(daemon("slurmd", List.of("/usr/sbin/slurmd", "-D", "-f", conf)));
        waitFor(() -> {
            try {
                return run(List.of("sinfo", "-h", "-n", node, "-o", "%t"), clientEnvironment()).strip().startsWith("idle");
            } catch (IOException e) {
                return false;
            }
        }, "node " + node + " to be idle", "log/slurmctld.log");
    }

    private Path socket() {
        return dir.resolve("munge/munge.socket");
    }

    private String slurmConf() throws IOException {
        long memMb = Math.max(1024, org.equibench.measure.ProcMemory.statusBytes(Path.of("/proc/meminfo"), "MemTotal:") / (1 << 20) - 512);
        return String.join("\n",
                "ClusterName=equibench-test",
                "SlurmctldHost=" + node,
                "SlurmUser=root",
                "SlurmdUser=root",
                "SlurmctldPort=" + freePort(),
                "SlurmdPort=" + freePort(),
                "AuthType=auth/munge",
                "AuthInfo=socket=" + socket(),
                "CredType=cred/munge",
                "StateSaveLocation=" + dir.resolve("state"),
                "SlurmdSpoolDir=" + dir.resolve("spool"),
                "SlurmctldPidFile=" + dir.resolve("slurmctld.pid"),
                "SlurmdPidFile=" + dir.resolve("slurmd.pid"),
                "SlurmctldLogFile=" + dir.resolve("log/slurmctld.log"),
                "SlurmdLogFile=" + dir.resolve("log/slurmd.log"),
                // no cgroups in a container: processes are tracked by their parent, memory by sampling
                "ProctrackType=proctrack/linuxproc",
                "TaskPlugin=task/none",
                "JobAcctGatherType=jobacct_gather/linux",
                "JobAcctGatherFrequency=1",
                // --mem is enforced: a task over it is killed, as on a real cluster
                "JobAcctGatherParams=OverMemoryKill",
                "SelectType=select/cons_tres",
                "SelectTypeParameters=CR_CPU_Memory",
                "SchedulerType=sched/backfill",
                "SchedulerParameters=batch_sched_delay=0,sched_min_interval=0",
                // ended jobs stay visible to scontrol (no accounting database here)
                "MinJobAge=600",
                "ReturnToService=2",
                "MpiDefault=none",
                "NodeName=" + node + " CPUs=" + Runtime.getRuntime().availableProcessors() + " RealMemory=" + memMb + " State=UNKNOWN",
                "PartitionName=debug Nodes=" + node + " Default=YES MaxTime=INFINITE State=UP",
                "");
    }

    private Process daemon(String name, List<String> command) throws IOException {
        List<String> asRoot = new ArrayList<>(isRoot() ? List.of() : List.of("sudo", "-n")); // sudo passes signals on
        asRoot.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(asRoot).redirectErrorStream(true)
                .redirectOutput(dir.resolve("log/" + name + ".out").toFile());
        pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin:" + System.getenv().getOrDefault("PATH", ""));
        pb.environment().putAll(clientEnvironment());
        return pb.start();
    }

    private interface Condition {
        boolean holds() throws IOException;
    }

    private void waitFor(Condition condition, String what, String log) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            for (Process d : daemons) {
                if (!d.isAlive()) {
                    throw new IOException("a Slurm test daemon exited while waiting for " + what + "; see " + dir.resolve("log"));
                }
            }
            Thread.sleep(100);
        }
        throw new IOException("timed out waiting for " + what + "; see " + dir.resolve(log));
    }

    @Override
    public void close() {
        // slurmd before slurmctld (a node without its controller retries for a long time), munged last
        for (int i = daemons.size() - 1; i >= 0; i--) {
            Process d = daemons.get(i);
            d.descendants().forEach(ProcessHandle::destroy);
            d.destroy();
            try {
                if (!d.waitFor(15, TimeUnit.SECONDS)) {
                    d.descendants().forEach(ProcessHandle::destroyForcibly);
                    d.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        daemons.clear();
        if (!isRoot()) {
            // the daemons wrote state and spool files as root: hand them back so the test's folder can be deleted
            try {
                run(List.of("sudo", "-n", "chown", "-R", System.getProperty("user.name"), dir.toString()), Map.of());
            } catch (IOException e) {
                System.err.println("cannot take back " + dir + ": " + e.getMessage());
            }
        }
    }

    static String run(List<String> command, Map<String, String> environment) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(environment);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out.strip());
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
