package org.equibench.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.equibench.check.OutputCheck;
import org.equibench.protocol.InputFile;
import org.equibench.task.Implementation;
import org.equibench.task.InputDeclaration;
import org.equibench.task.IrisMlpTask;
import org.equibench.task.ReportColumn;
import org.equibench.task.Scale;
import org.equibench.task.Task;
import org.equibench.task.TaskParams;

/** iris-mlp plus extra rows (misbehaving ones, run by a test's fake "shell" runner), with a timeout of the test's choice. */
public final class IrisWithExtraRows implements Task {
    private final IrisMlpTask iris = new IrisMlpTask();
    private final List<Implementation> extra;
    private final Duration timeout;

    public IrisWithExtraRows(List<Implementation> extra, Duration timeout) {
        this.extra = extra;
        this.timeout = timeout;
    }

    @Override
    public List<Implementation> implementations() {
        List<Implementation> all = new ArrayList<>(iris.implementations());
        all.addAll(extra);
        return all;
    }

    @Override
    public Duration timeout(Scale scale) {
        return timeout;
    }

    // everything else is iris-mlp's
    @Override public String id() { return iris.id(); }
    @Override public String family() { return iris.family(); }
    @Override public String title() { return iris.title(); }
    @Override public int order() { return iris.order(); }
    @Override public String dataset() { return iris.dataset(); }
    @Override public String referenceImpl() { return iris.referenceImpl(); }
    @Override public String baselineImpl() { return iris.baselineImpl(); }
    @Override public String dtype() { return iris.dtype(); }
    @Override public List<String> phases() { return iris.phases(); }
    @Override public List<String> outputs() { return iris.outputs(); }
    @Override public Map<String, List<String>> verifiedOutputs() { return iris.verifiedOutputs(); }
    @Override public List<OutputCheck> checks(Implementation impl) { return iris.checks(impl); }
    @Override public List<ReportColumn> reportColumns() { return iris.reportColumns(); }

    @Override public List<InputDeclaration> inputs() { return iris.inputs(); }
    @Override public TaskParams params(Scale scale) { return iris.params(scale); }

    @Override
    public Map<String, InputFile> prepare(Path root, Path dir, Scale scale) throws java.io.IOException {
        return iris.prepare(root, dir, scale);
    }
}
