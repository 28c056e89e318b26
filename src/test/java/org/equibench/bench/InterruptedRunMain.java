package org.equibench.bench;

import org.equibench.task.IrisMlpTask;

/**
 * A run that records one row and then waits to be stopped: started by {@link NothingLostTest} in its own JVM, with
 * the checkout given by -Dequibench.root.
 */
public final class InterruptedRunMain {
    private InterruptedRunMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        BenchmarkSession session = BenchmarkSession.current();
        IrisMlpTask task = new IrisMlpTask();
        session.record(RowJudge.skipped(task, task.implementation("rust/pure"), "recorded before the run was stopped"));
        session.runInfo(); // the host facts, read now rather than while the JVM is going down
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(600_000);
    }
}
