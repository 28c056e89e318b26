package org.equibench.impl.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import org.equibench.impl.core.RunnerError;
import org.equibench.task.CnnCifar10Task;

/**
 * Adam as {@code torch.optim.Adam}'s single-tensor update (no AMSGrad, no weight decay), written as DJL NDArray
 * operations in PyTorch's order, since DJL's own Adam puts eps on the uncorrected second moment. For each parameter
 * θ with gradient g, at step t:
 * <pre>
 *   m ← m + (1−β1)·(g − m)                    PyTorch: m.lerp_(g, 1−β1)
 *   v ← v·β2 + (g·(1−β2))·g                   PyTorch: v.mul_(β2).addcmul_(g, g, value=1−β2)
 *   denom ← √v / √(1−β2ᵗ) + eps               PyTorch: (v.sqrt() / bias_correction2_sqrt).add_(eps)
 *   θ ← θ − ((lr / (1−β1ᵗ))·m) / denom        PyTorch: θ.addcdiv_(m, denom, value=−lr/(1−β1ᵗ))
 * </pre>
 * The scalar factors are computed in double as Python computes them and passed as doubles, which libtorch rounds to
 * the tensor's type as it rounds Python's numbers. {@code lerp_} and {@code addcmul_} round their last multiply-add
 * once (a fused multiply-add), which DJL's separate multiply and add would round twice: a last-bit difference from
 * step 2 on that compounds to ~0.4% of the loss by step 50; {@link FusedMultiplyAdd} reproduces the single rounding.
 */
final class TorchOrderAdam implements AutoCloseable {
    private static final NDIndex ALL = new NDIndex(":");
    private final double learningRate;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final NDManager manager;
    private final NDArray[] expAvg;
    private final NDArray[] expAvgSq;
    /**
     * Per parameter: a work tensor of its type for g − m, g·(1−β2) and step_size·m, and the fused multiply-add's
     * scratch; kept from step to step so that the update allocates no tensor of the parameter's size but √v.
     */
    private final NDArray[] work;
    private final FusedMultiplyAdd[] fma;
    private int step;

    /** Zero state for each parameter of {@code weights}, of its type. */
    TorchOrderAdam(NDManager parent, CnnWeights weights, CnnCifar10Task.Params p) {
        check(p);
        learningRate = p.learningRate();
        beta1 = p.beta1();
        beta2 = p.beta2();
        eps = p.eps();
        manager = parent.newSubManager();
        int n = CnnParameter.values().length;
        expAvg = new NDArray[n];
        expAvgSq = new NDArray[n];
        work = new NDArray[n];
        fma = new FusedMultiplyAdd[n];
        for (CnnParameter param : CnnParameter.values()) {
            NDArray theta = weights.get(param);
            int i = param.ordinal();
            expAvg[i] = manager.zeros(theta.getShape(), theta.getDataType());
            expAvgSq[i] = manager.zeros(theta.getShape(), theta.getDataType());
            work[i] = manager.zeros(theta.getShape(), theta.getDataType());
            fma[i] = new FusedMultiplyAdd(manager, theta.getShape(), theta.getDataType());
        }
    }

    /** The Adam fields the contract allows, worded as the Python runner words them. */
    static void check(CnnCifar10Task.Params p) {
        if (!(p.learningRate() > 0 && p.eps() > 0)) {
            throw new RunnerError("spec: params.learning_rate and params.eps must be positive");
        }
        if (!(p.beta1() >= 0 && p.beta1() < 1 && p.beta2() >= 0 && p.beta2() < 1)) {
            throw new RunnerError("spec: params.beta1 and params.beta2 must be in [0, 1)");
        }
        if (p.weightDecay() != 0.0) {
            throw new RunnerError("spec: params.weight_decay must be 0 (plain Adam), got " + p.weightDecay());
        }
    }

    /**
     * One update of every parameter from its gradient; then the gradients are zeroed, so that the next backward
     * writes them afresh (PyTorch sets them to None instead: 0 + g is g). Runs with autograd off (outside the
     * gradient collector), as in-place updates of leaf tensors must.
     */
    void step(CnnWeights weights) {
        step++;
        // Python's float arithmetic: beta ** step, and bias_correction2 ** 0.5 rather than a square root
        double biasCorrection1 = 1 - StrictMath.pow(beta1, step);
        double biasCorrection2 = 1 - StrictMath.pow(beta2, step);
        double stepSize = learningRate / biasCorrection1;
        double biasCorrection2Sqrt = StrictMath.pow(biasCorrection2, 0.5);
        for (CnnParameter param : CnnParameter.values()) {
            int i = param.ordinal();
            NDArray theta = weights.get(param);
            try (NDScope temporaries = new NDScope()) {
                NDArray grad = theta.getGradient();
                lerp(i, grad, 1 - beta1);
                // addcmul_: v·β2, then (g·(1−β2))·g + that in one rounding
                expAvgSq[i].muli(beta2);
                work[i].set(ALL, grad);
                fma[i].assign(expAvgSq[i], work[i].muli(1 - beta2), grad, expAvgSq[i]);
                NDArray denom = expAvgSq[i].sqrt().divi(biasCorrection2Sqrt).addi(eps);
                // addcdiv_: θ + (−step_size·m) / denom, the same bits as θ − (step_size·m) / denom
                work[i].set(ALL, expAvg[i]);
                theta.subi(work[i].muli(stepSize).divi(denom));
                temporaries.suppressNotUsedWarning();
            }
            JniUtils.zeroGrad((PtNDArray) theta);
        }
    }

    /**
     * {@code m ← lerp(m, end, weight)} for parameter {@code i}, as libtorch's CPU kernel computes it:
     * {@code m + weight·(end − m)} for |weight| &lt; 0.5, else {@code end − (1 − weight)·(end − m)}, each one fused
     * multiply-add, with {@code end − m} rounded to the tensor's type first.
     */
    private void lerp(int i, NDArray end, double weight) {
        NDArray start = expAvg[i];
        boolean f32 = start.getDataType() == DataType.FLOAT32;
        // the kernel holds the weight, and forms weight − 1, in the tensor's type
        double w = f32 ? (float) weight : weight;
        work[i].set(ALL, end);
        NDArray diff = work[i].subi(start);
        if (Math.abs(w) < 0.5) {
            fma[i].assign(start, diff, w, start);
        } else {
            fma[i].assign(start, diff, f32 ? (float) w - 1f : w - 1, end);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
