package org.equibench.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.equibench.check.EquivalenceGate;
import org.equibench.check.GoldenReference;
import org.equibench.check.SpecFingerprint;
import org.equibench.runner.Launcher;
import org.equibench.runner.RowExecutor;
import org.equibench.runner.RowRun;
import org.equibench.protocol.InputFile;
import org.equibench.protocol.Manifest;
import org.equibench.protocol.RunSpec;
import org.equibench.report.ResultRow;
import org.equibench.task.Implementation;
import org.equibench.task.InputDeclaration;
import org.equibench.task.Task;

/**
 * One task's rows in one run: prepares the shared inputs once, builds the one spec every row gets, runs each
 * selected implementation in its own process (the reference first), and says what each row is compared to.
 */
public final class TaskMatrix {
    private final Task task;
    private final BenchmarkSession session;
    private final Path dir;
    private final Map<String, List<RowRun>> rounds = new LinkedHashMap<>();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    private RunSpec baseSpec;
    private IOException preparationFailure;

    public TaskMatrix(Task task, BenchmarkSession session) {
        this.task = task;
        this.session = session;
        this.dir = session.settings().workDir().resolve(task.id());
    }

    public Task task() {
        return task;
    }

    public List<Implementation> selectedImplementations() {
        return task.implementations().stream().filter(i -> session.settings().selectsImpl(i.id())).toList();
    }

    /**
     * The spec every row gets (with its own impl id), built from freshly prepared inputs. Inputs that cannot be
     * prepared (a user's checkpoint missing a file, a model export that fails) are tried once: the same failure is
     * thrown again to every later caller.
     */
    public synchronized RunSpec baseSpec() throws IOException {
        if (preparationFailure != null) {
            throw preparationFailure;
        }
        try {
            return prepareBaseSpec();
        } catch (IOException | RuntimeException e) {
            preparationFailure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
            throw preparationFailure;
        }
    }

    private RunSpec prepareBaseSpec() throws IOException {
        if (baseSpec == null) {
            Settings s = session.settings();
            Map<String, InputFile> prepared = task.prepare(s.root(), dir.resolve("inputs"), s.scale());
            InputConfinement.of(s).check(prepared);
            org.equibench.task.Scale.Plan plan = task.plan(s.scale());
            baseSpec = new RunSpec(RunSpec.PROTOCOL_VERSION, task.runnerTask(), task.referenceImpl(), "cpu", task.dtype(), s.threads(),
                    plan.warmup(), plan.warmupMinMs(), plan.repetitions(), task.phases(), declared(prepared),
                    task.params(s.scale()).toSpec(), task.outputs(), verify());
        }
        return baseSpec;
    }

    /** The task's re-verified phases and outputs (PROTOCOL.md, "Timed work re-verified"), in the task's phase order. */
    private Map<String, List<String>> verify() {
        Map<String, List<String>> verify = new LinkedHashMap<>();
        for (String phase : task.phases()) {
            List<String> outputs = task.verifiedOutputs().getOrDefault(phase, List.of());
            if (!outputs.isEmpty()) {
                verify.put(phase, outputs);
            }
        }
        return verify;
    }

    /** The prepared files in the declared order, each with its declared dtype and shape; they must match one to one. */
    private Map<String, InputFile> declared(Map<String, InputFile> prepared) {
        List<String> declaredRoles = task.inputs().stream().map(InputDeclaration::role).toList();
        if (!new java.util.HashSet<>(declaredRoles).equals(prepared.keySet())) {
            throw new IllegalStateException(task.id() + " prepared the inputs " + prepared.keySet() + " but declares " + declaredRoles);
        }
        Map<String, InputFile> files = new LinkedHashMap<>();
        for (InputDeclaration d : task.inputs()) {
            files.put(d.role(), prepared.get(d.role()).declared(d.dtype(), d.shape()));
        }
        return files;
    }

    /**
     * Runs every selected row in rounds, interleaved (A B C A B C …) so that drift on the machine hits every row
     * alike, the reference first in each round. A row that failed is not started again. With a Slurm executor the
     * whole selected matrix (this task's rows among them) goes to the cluster as one array instead.
     */
    public void runAll() throws IOException {
        if (session.slurm().isPresent()) {
            session.slurm().get().runMatrix();
            return;
        }
        for (int round = 0; round < rounds(); round++) {
            for (Implementation impl : referenceFirst()) {
                runRound(impl);
            }
        }
    }

    /** Processes per row at this run's scale. */
    public int rounds() {
        return session.settings().roundsOf(task);
    }

    /** The selected rows, the reference first. */
    public List<Implementation> referenceFirst() {
        List<Implementation> order = new ArrayList<>(selectedImplementations());
        order.sort((a, b) -> Boolean.compare(!a.id().equals(task.referenceImpl()), !b.id().equals(task.referenceImpl())));
        return order;
    }

    /** The row's runs pooled (see {@link RowRounds}); empty with {@link #unavailableReason} set when its toolchain is missing. */
    public synchronized Optional<RowRun> run(Implementation impl) throws IOException {
        if (!rounds.containsKey(impl.id()) && !unavailable.containsKey(impl.id())) {
            runRound(impl);
        }
        List<RowRun> runs = rounds.get(impl.id());
        return runs == null ? Optional.empty() : Optional.of(RowRounds.pooled(runs));
    }

    /** Each process the row ran in, in order. */
    public List<RowRun> rounds(Implementation impl) {
        return rounds.getOrDefault(impl.id(), List.of());
    }

    private synchronized void runRound(Implementation impl) throws IOException {
        Optional<Launcher> launcher = nextRoundLauncher(impl);
        if (launcher.isEmpty()) {
            return;
        }
        int round = rounds(impl).size() + 1;
        Path rowDir = rowDir(impl, round);
        RowRun run;
        try {
            run = session.containers().isPresent()
                    ? session.containers().get().execute(launcher.get(), specFor(impl), rowDir, timeout())
                    : RowExecutor.execute(launcher.get(), specFor(impl), rowDir, timeout());
        } catch (IOException e) {
            run = notPrepared(impl, e, rowDir);
        }
        recordRound(impl, run);
        System.out.println(session.progress().finished(task.id(), impl.id(), round, rounds(), run.wallNs()));
    }

    /**
     * The launcher of the row's next process; empty when the row runs no more: its toolchain is missing (the row
     * is then marked unavailable) or one of its processes failed.
     */
    public synchronized Optional<Launcher> nextRoundLauncher(Implementation impl) {
        if (unavailable.containsKey(impl.id()) || rounds(impl).stream().anyMatch(r -> !r.ok())) {
            return Optional.empty();
        }
        Launcher launcher = session.launchers().forLanguage(impl.language());
        Optional<String> why = session.containers().flatMap(c -> c.unavailableReason()
                .map(engine -> "-Dequibench.runtime=container: " + engine)).or(() -> launcher.unavailableReason(impl.id()));
        if (why.isPresent()) {
            markUnavailable(impl, why.get());
            return Optional.empty();
        }
        return Optional.of(launcher);
    }

    /** How long one process of a row may take at this run's scale. */
    public java.time.Duration timeout() {
        return task.timeout(session.settings().scale());
    }

    /** The spec of one row: the task's spec with the row's id and device. */
    public RunSpec specFor(Implementation impl) throws IOException {
        return baseSpec().forImplementation(impl.id()).onDevice(session.settings().deviceFor(impl));
    }

    /** The task's shared inputs failed: every row of the task is an error with that cause, other tasks go on. */
    public RowRun notPrepared(Implementation impl, IOException cause, Path rowDir) {
        return RowRun.notStarted(task.id() + " " + impl.id() + ": the task's inputs could not be prepared: "
                + cause.getMessage(), rowDir.resolve("out"));
    }

    /** Where one process of a row keeps its spec, outputs and logs. */
    public Path rowDir(Implementation impl, int round) {
        return dir.resolve("rows").resolve(impl.id().replace('/', '_')).resolve("round-" + round);
    }

    /** Adds a finished process of the row (a failed one ends the row: it is not started again). */
    public synchronized void recordRound(Implementation impl, RowRun run) {
        rounds.computeIfAbsent(impl.id(), k -> new ArrayList<>()).add(run);
        if (!run.ok()) {
            session.progress().abandoned(task.id(), impl.id());
        }
    }

    /** The row cannot run here (its toolchain is missing): it is reported as skipped with the reason. */
    public synchronized void markUnavailable(Implementation impl, String reason) {
        unavailable.put(impl.id(), reason);
        rounds.remove(impl.id());
        session.progress().abandoned(task.id(), impl.id());
    }

    /**
     * The row's verdict: skipped when it cannot run here, an error when a process failed, else its outputs
     * judged against the reference (the reference row itself against the committed golden).
     */
    public ResultRow judge(Implementation impl) throws IOException {
        Optional<RowRun> run = run(impl);
        if (run.isEmpty()) {
            return RowJudge.skipped(task, impl, unavailableReason(impl));
        }
        if (!run.get().ok()) {
            return RowJudge.judge(task, impl, run.get(), rounds(impl), ReferenceOutputs.missing("the row did not run"));
        }
        ReferenceOutputs reference = impl.id().equals(task.referenceImpl()) ? goldenOutputs() : referenceFor(impl);
        return RowJudge.judge(task, impl, run.get(), rounds(impl), reference);
    }

    public String unavailableReason(Implementation impl) {
        return unavailable.get(impl.id());
    }

    /** data/reference/TASK, or data/reference/TASK/SCALE for tasks whose data grows with the scale. */
    public GoldenReference golden() {
        String scale = session.settings().scale().id();
        return new GoldenReference(session.settings().root().resolve("data/reference"),
                task.inputsDependOnScale() ? task.id() + "/" + scale : task.id());
    }

    /** Goldens of scale-dependent tasks are committed at CI scale only: full-scale data is too large for git. */
    public boolean goldenKept() {
        return task.goldenKept(session.settings().scale());
    }

    public String regenerateCommand() {
        return "mvn test -Dequibench.tasks=" + task.id() + " -Dequibench.impls=" + task.referenceImpl()
                + " -Dequibench.write-goldens=true" + (goldenKept() ? "" : " -Dequibench.scale=" + session.settings().scale().id());
    }

    /**
     * What a row is compared to: the reference run of this session when it is selected and ran; otherwise
     * (and always for the reference row itself) the committed golden, if its spec fingerprint is current.
     */
    public ReferenceOutputs referenceFor(Implementation impl) throws IOException {
        if (!impl.id().equals(task.referenceImpl()) && session.settings().selectsImpl(task.referenceImpl())) {
            Optional<RowRun> ref = run(task.implementation(task.referenceImpl()));
            if (ref.isPresent() && ref.get().ok()) {
                return ReferenceOutputs.of(outputsOf(ref.get(), task.referenceImpl()), Manifest.of(ref.get().result().runtime()));
            }
        }
        ReferenceOutputs golden = goldenOutputs();
        return golden.noGoldenKept() ? ReferenceOutputs.missing("the reference row " + task.referenceImpl()
                + " did not run in this session and " + golden.unavailable()) : golden;
    }

    public ReferenceOutputs goldenOutputs() throws IOException {
        GoldenReference golden = golden();
        Optional<GoldenReference.Provenance> p = golden.provenance();
        if (p.isEmpty() && !goldenKept()) {
            return ReferenceOutputs.noGoldenKept("no golden is kept for " + task.id() + " at "
                    + session.settings().scale().id() + " scale (its data grows with the scale)");
        }
        if (p.isEmpty()) {
            return ReferenceOutputs.missing("no golden reference in " + golden.dir() + "; create it with: " + regenerateCommand());
        }
        String current = SpecFingerprint.of(baseSpec());
        if (!current.equals(p.get().specFingerprint())) {
            return ReferenceOutputs.missing("the golden reference in " + golden.dir() + " was made for spec " + p.get().specFingerprint()
                    + " but the spec is now " + current + " (inputs, params or outputs changed); regenerate it with: "
                    + regenerateCommand());
        }
        return ReferenceOutputs.of(golden.outputs(p.get()), Manifest.of(p.get().runtime()));
    }

    /** Replaces the golden with the reference row's outputs of this session. */
    public void writeGolden(RowRun referenceRun) throws IOException {
        golden().write(task.id(), task.referenceImpl(), SpecFingerprint.of(baseSpec()), referenceRun.result().runtime(),
                outputsOf(referenceRun, task.referenceImpl()), regenerateCommand());
    }

    public static EquivalenceGate.Outputs outputsOf(RowRun run, String label) {
        Map<String, Path> files = new LinkedHashMap<>();
        if (run.result() != null && run.result().outputs() != null) {
            run.result().outputs().keySet().forEach(name -> files.put(name, run.output(name)));
        }
        Map<String, Path> inputs = new LinkedHashMap<>();
        if (run.spec() != null && run.spec().inputs() != null) {
            run.spec().inputs().forEach((role, file) -> inputs.put(role, Path.of(file.path())));
        }
        return new EquivalenceGate.Outputs(label, files, run.result() == null ? Map.of() : run.result().metrics(), inputs);
    }
}
