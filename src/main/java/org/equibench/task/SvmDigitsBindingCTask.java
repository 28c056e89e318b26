package org.equibench.task;

/**
 * svm-digits where C binds: C = 0.001 bounds the dual coefficients tightly enough to change the reference's
 * predictions and iterations against C = 1, so a row that ignored C, or read another parameter in its place,
 * fails here. Every row of svm-digits runs it with its code unchanged (the spec's task is svm-digits).
 */
public final class SvmDigitsBindingCTask extends SvmDigitsTask {
    public SvmDigitsBindingCTask() {
        super("svm-digits-c0.001", 31, 0.001);
    }

    @Override
    public String title() {
        return super.title() + ", where C binds";
    }
}
