package org.equibench.impl.cnn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The contract's loss, the mean over the batch of {@code −log_softmax(logits)[label]}, as DJL operations (DJL has
 * no {@code nll_loss}): log-softmax over the classes, the label's entry picked with {@code gather}, the mean, negated.
 * Its gradient is {@code F.cross_entropy}'s bit for bit: {@code −1/N} at each label (both divide 1 by N in the
 * tensor's type), through the same {@code log_softmax} backward.
 */
final class CrossEntropy {
    private CrossEntropy() {
    }

    /**
     * One batch's loss: {@code tensor}, the scalar autograd differentiates, and the picked log-probabilities its
     * value is read from.
     */
    record BatchLoss(NDArray tensor, NDArray picked) {
        /**
         * The loss as a number, summed as {@code nll_loss} sums it ({@link NllLossValue}): {@code mean} adds the N
         * terms in another order, which changes the last bit in about half of the batches.
         */
        double value() {
            return picked.getDataType() == DataType.FLOAT32 ? NllLossValue.mean(picked.toFloatArray())
                    : NllLossValue.mean(picked.toDoubleArray());
        }
    }

    /** The loss of a batch; {@code labels} are int64, one per row of {@code logits}. */
    static BatchLoss of(NDArray logits, NDArray labels) {
        NDArray picked = logits.logSoftmax(1).gather(labels.reshape(-1, 1), 1);
        return new BatchLoss(picked.mean().neg(), picked);
    }
}
