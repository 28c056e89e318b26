package org.equibench.architecture;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.lang.ArchRule;

/**
 * The import rules of the rooms under a base package (ARCHITECTURE.md): each room imports only rooms below it,
 * and no two packages import each other. A function of the base package so the rules can be shown failing on a
 * fixture.
 */
final class RoomRules {
    private RoomRules() {
    }

    /** Rooms from the top floor down; each may import only those below it, as listed. */
    static ArchRule layers(String base) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("bench").definedBy(base + ".bench..")
                .layer("report").definedBy(base + ".report..")
                .layer("impl").definedBy(base + ".impl..")
                .layer("task").definedBy(base + ".task..")
                .layer("check").definedBy(base + ".check..")
                .layer("runner").definedBy(base + ".runner..")
                .layer("measure").definedBy(base + ".measure..")
                .layer("data").definedBy(base + ".data..")
                .layer("protocol").definedBy(base + ".protocol..")
                .whereLayer("bench").mayOnlyAccessLayers("report", "task", "check", "runner", "measure", "data", "protocol")
                .whereLayer("report").mayOnlyAccessLayers("task", "check", "runner", "measure", "data", "protocol")
                // Java rows run in their own JVM: they see the task's typed params, never the harness.
                .whereLayer("impl").mayOnlyAccessLayers("task", "measure", "data", "protocol")
                // a task may prepare inputs with a provisioned tool (model exports need the venv's torch) and derive
                // figures with the harness's statistics; it never starts a row
                .whereLayer("task").mayOnlyAccessLayers("check", "runner", "measure", "data", "protocol")
                // checks compare outputs; they know nothing of tasks or of how rows were run
                .whereLayer("check").mayOnlyAccessLayers("data", "protocol")
                .whereLayer("runner").mayOnlyAccessLayers("measure", "data", "protocol")
                .whereLayer("measure").mayOnlyAccessLayers("data", "protocol")
                .whereLayer("data").mayOnlyAccessLayers("protocol")
                .whereLayer("protocol").mayNotAccessAnyLayer()
                .because("arrows point one way, from the tests down to the protocol records");
    }

    static ArchRule noCycles(String base) {
        return slices().matching(base + ".(**)").should().beFreeOfCycles()
                .because("two packages that import each other are one room in two places");
    }
}
