package org.equibench.impl.gpt2;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * The {@code logits} output of the ONNX session as a pinned output: ORT writes it straight into a direct buffer of
 * ours, so reading the last position's logits copies nothing out of a native tensor. One tensor per sequence
 * length, kept while the length stays the same (every decode step has length 1).
 */
final class PinnedLogits implements AutoCloseable {
    private final OrtEnvironment env;
    private final int vocab;
    private ByteBuffer memory = ByteBuffer.allocateDirect(0);
    private OnnxTensor tensor;
    private FloatBuffer lastPosition;
    private int length = -1;

    PinnedLogits(OrtEnvironment env, int vocab) {
        this.env = env;
        this.vocab = vocab;
    }

    /** The output tensor for {@code [1, length, vocab]} logits. */
    OnnxTensor forLength(int length) throws OrtException {
        if (length != this.length) {
            closeTensor();
            int bytes = Math.multiplyExact(length, vocab) * Float.BYTES;
            if (memory.capacity() < bytes) {
                memory = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
            }
            FloatBuffer all = memory.duplicate().order(ByteOrder.nativeOrder()).limit(bytes).slice()
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
            tensor = OnnxTensor.createTensor(env, all, new long[] {1, length, vocab});
            lastPosition = all.duplicate().position((length - 1) * vocab).slice();
            this.length = length;
        }
        return tensor;
    }

    /** The logits of the last position written by the latest run, indexed from 0. */
    FloatBuffer lastPosition() {
        return lastPosition;
    }

    private void closeTensor() {
        if (tensor != null) {
            tensor.close();
            tensor = null;
        }
    }

    @Override
    public void close() {
        closeTensor();
    }
}
