package org.equibench.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.equibench.task.Task;

/**
 * One line per finished row process, with an estimate of the time left for the whole run: each process still to
 * come is estimated by the mean of its row's processes so far; when its row has not run yet, by the mean of its
 * task's processes (rows of one task do similar work), or of all processes when no row of its task has run.
 */
public final class RunProgress {
    private final int planned;
    private final Map<String, long[]> perRow = new HashMap<>(); // task + row -> {processes, total ns}
    private final Map<String, long[]> perTask = new HashMap<>(); // task -> {processes, total ns}
    private int done;
    private long totalNs;
    private final Map<String, Integer> remainingPerRow = new HashMap<>();

    /** Plans rounds × selected rows of every selected task. */
    public RunProgress(List<Task> tasks, Settings settings) {
        int count = 0;
        for (Task task : tasks) {
            if (!settings.selectsTask(task.id())) {
                continue;
            }
            for (var impl : task.implementations()) {
                if (settings.selectsImpl(impl.id())) {
                    remainingPerRow.put(key(task.id(), impl.id()), settings.roundsOf(task));
                    count += settings.roundsOf(task);
                }
            }
        }
        this.planned = count;
    }

    /** Records one finished process and returns its progress line. */
    public synchronized String finished(String task, String impl, int round, int rounds, long wallNs) {
        String key = key(task, impl);
        long[] row = perRow.computeIfAbsent(key, k -> new long[2]);
        row[0]++;
        row[1] += wallNs;
        long[] all = perTask.computeIfAbsent(task, k -> new long[2]);
        all[0]++;
        all[1] += wallNs;
        done++;
        totalNs += wallNs;
        remainingPerRow.merge(key, -1, Integer::sum);
        return String.format("[equibench] %s %s round %d/%d: %.1f s; %d/%d row processes done, about %s left",
                task, impl, round, rounds, wallNs / 1e9, done, Math.max(planned, done), human(estimateLeftNs()));
    }

    /** A row that stops early (an error, or a missing toolchain) runs no more processes. */
    public synchronized void abandoned(String task, String impl) {
        remainingPerRow.put(key(task, impl), 0);
    }

    long estimateLeftNs() {
        double overall = done == 0 ? 0 : (double) totalNs / done;
        double left = 0;
        for (var e : remainingPerRow.entrySet()) {
            long[] row = perRow.get(e.getKey());
            if (row == null) {
                row = perTask.get(e.getKey().substring(0, e.getKey().indexOf(' ')));
            }
            double mean = row == null ? overall : (double) row[1] / row[0];
            left += Math.max(0, e.getValue()) * mean;
        }
        return (long) left;
    }

    static String human(long ns) {
        Duration d = Duration.ofNanos(ns);
        if (d.toMinutes() >= 1) {
            return d.toMinutes() + " min " + d.toSecondsPart() + " s";
        }
        return d.toSeconds() + " s";
    }

    private static String key(String task, String impl) {
        return task + " " + impl;
    }
}
