package org.equibench.task;

/**
 * Why a row on the JDK's Vector API (Jlama's kernels) may compute outputs differing in their last bits from one call
 * to the next in one JVM. {@code FloatVector.reduceLanes(ADD)} may add the lanes in any order: its Java fallback,
 * which runs until C2 compiles the calling kernel, adds them in lane order, while C2's x86 intrinsic adds them as a
 * tree. A dot product that runs interpreted (or in C1, or partly before an on-stack replacement) therefore rounds
 * differently from the same dot product compiled, and a process's first calls differ from its later ones by the JIT's
 * timing. {@code -XX:+UnlockDiagnosticVMOptions -XX:DisableIntrinsic=_VectorReductionCoerced} makes every call
 * add in lane order, but slows the kernels down, and such rows are timed as their users run them.
 */
public final class VectorApiReductions {
    public static final String WHY = "the Vector API's float reductions (reduceLanes ADD) add in lane order until C2 "
            + "compiles a kernel and as a tree after, so calls before and after compilation differ in their last bits; "
            + "outputs are compared by the gate's tolerance";

    private VectorApiReductions() {
    }
}
