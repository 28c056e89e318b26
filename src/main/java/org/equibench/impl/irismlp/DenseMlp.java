package org.equibench.impl.irismlp;

/**
 * A one-hidden-layer ReLU/softmax MLP trained by plain mini-batch SGD, in plain double[] loops.
 * All buffers are allocated once in the constructor: the training loop allocates nothing, so the JIT-compiled
 * loop does only arithmetic (the same discipline as the seed's Rust code). Layouts are row-major:
 * w1[in][hidden], w2[hidden][out], batch buffers [row][unit].
 */
final class DenseMlp {
    private final int in;
    private final int hidden;
    private final int out;
    final double[] w1;
    final double[] b1;
    final double[] w2;
    final double[] b2;
    private final double[] h;   // hidden activations of a batch; h > 0 doubles as the ReLU mask
    private final double[] p;   // softmax of a batch, overwritten in place by dLoss/dz2
    private final double[] dh;  // dLoss/dz1
    private final double[] gw1;
    private final double[] gb1;
    private final double[] gw2;
    private final double[] gb2;
    private final double[] hOne;
    private final double[] zOne;

    DenseMlp(int in, int hidden, int out, int maxBatch) {
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        w1 = new double[in * hidden];
        b1 = new double[hidden];
        w2 = new double[hidden * out];
        b2 = new double[out];
        h = new double[maxBatch * hidden];
        p = new double[maxBatch * out];
        dh = new double[maxBatch * hidden];
        gw1 = new double[in * hidden];
        gb1 = new double[hidden];
        gw2 = new double[hidden * out];
        gb2 = new double[out];
        hOne = new double[hidden];
        zOne = new double[out];
    }

    void setWeights(double[] w1, double[] b1, double[] w2, double[] b2) {
        System.arraycopy(w1, 0, this.w1, 0, this.w1.length);
        System.arraycopy(b1, 0, this.b1, 0, this.b1.length);
        System.arraycopy(w2, 0, this.w2, 0, this.w2.length);
        System.arraycopy(b2, 0, this.b2, 0, this.b2.length);
    }

    /** Trains on rows [0, n) of x in fixed batches; writes the sample-weighted mean loss of each epoch. */
    void train(double[] x, int[] y, int n, int epochs, int batchSize, double lr, double[] lossCurve) {
        for (int e = 0; e < epochs; e++) {
            double epochLoss = 0;
            for (int start = 0; start < n; start += batchSize) {
                int m = Math.min(batchSize, n - start);
                epochLoss += forwardLoss(x, y, start, m) * m;
                backward(x, start, m);
                update(lr);
            }
            lossCurve[e] = epochLoss / n;
        }
    }

    /** Forward pass of rows [start, start+m): fills h and p, then turns p into dLoss/dz2; returns the mean loss. */
    private double forwardLoss(double[] x, int[] y, int start, int m) {
        double logSum = 0;
        for (int i = 0; i < m; i++) {
            int xo = (start + i) * in;
            hiddenLayer(x, xo, h, i * hidden);
            int po = i * out;
            outputLayer(h, i * hidden, p, po);
            softmaxInPlace(p, po);
            int label = y[start + i];
            logSum += Math.log(p[po + label]);
            for (int c = 0; c < out; c++) {
                p[po + c] = (p[po + c] - (c == label ? 1.0 : 0.0)) / m;
            }
        }
        return -(logSum / m);
    }

    private void backward(double[] x, int start, int m) {
        java.util.Arrays.fill(gw2, 0);
        java.util.Arrays.fill(gb2, 0);
        java.util.Arrays.fill(gw1, 0);
        java.util.Arrays.fill(gb1, 0);
        for (int i = 0; i < m; i++) {
            int ho = i * hidden;
            int po = i * out;
            for (int j = 0; j < hidden; j++) {
                double hv = h[ho + j];
                double back = 0;
                for (int c = 0; c < out; c++) {
                    gw2[j * out + c] += hv * p[po + c];
                    back += p[po + c] * w2[j * out + c];
                }
                dh[ho + j] = hv > 0 ? back : 0.0;
            }
            for (int c = 0; c < out; c++) {
                gb2[c] += p[po + c];
            }
            int xo = (start + i) * in;
            for (int k = 0; k < in; k++) {
                double xv = x[xo + k];
                int wo = k * hidden;
                for (int j = 0; j < hidden; j++) {
                    gw1[wo + j] += xv * dh[ho + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                gb1[j] += dh[ho + j];
            }
        }
    }

    private void update(double lr) {
        step(w1, gw1, lr);
        step(b1, gb1, lr);
        step(w2, gw2, lr);
        step(b2, gb2, lr);
    }

    private static void step(double[] w, double[] g, double lr) {
        for (int i = 0; i < w.length; i++) {
            w[i] -= lr * g[i];
        }
    }

    /** Fused x·W1 + b1 then ReLU, for one row. */
    private void hiddenLayer(double[] x, int xo, double[] dst, int ho) {
        for (int j = 0; j < hidden; j++) {
            dst[ho + j] = 0;
        }
        for (int k = 0; k < in; k++) {
            double xv = x[xo + k];
            int wo = k * hidden;
            for (int j = 0; j < hidden; j++) {
                dst[ho + j] += xv * w1[wo + j];
            }
        }
        for (int j = 0; j < hidden; j++) {
            double z = dst[ho + j] + b1[j];
            dst[ho + j] = z > 0 ? z : 0.0;
        }
    }

    /** h·W2 + b2 for one row. */
    private void outputLayer(double[] hs, int ho, double[] dst, int po) {
        for (int c = 0; c < out; c++) {
            dst[po + c] = 0;
        }
        for (int j = 0; j < hidden; j++) {
            double hv = hs[ho + j];
            int wo = j * out;
            for (int c = 0; c < out; c++) {
                dst[po + c] += hv * w2[wo + c];
            }
        }
        for (int c = 0; c < out; c++) {
            dst[po + c] += b2[c];
        }
    }

    private void softmaxInPlace(double[] z, int o) {
        double max = z[o];
        for (int c = 1; c < out; c++) {
            max = Math.max(max, z[o + c]);
        }
        double sum = 0;
        for (int c = 0; c < out; c++) {
            z[o + c] = Math.exp(z[o + c] - max);
            sum += z[o + c];
        }
        for (int c = 0; c < out; c++) {
            z[o + c] /= sum;
        }
    }

    /** Class of one row from the logits alone (softmax is monotonic); the first maximum wins ties. */
    int predictOne(double[] x, int row) {
        hiddenLayer(x, row * in, hOne, 0);
        outputLayer(hOne, 0, zOne, 0);
        return argmax(zOne, 0);
    }

    /** Softmax probabilities [rows][out] and their argmax for every row of x. */
    void predictBatch(double[] x, int rows, double[] proba, int[] classes) {
        for (int i = 0; i < rows; i++) {
            hiddenLayer(x, i * in, hOne, 0);
            outputLayer(hOne, 0, proba, i * out);
            softmaxInPlace(proba, i * out);
            classes[i] = argmax(proba, i * out);
        }
    }

    private int argmax(double[] v, int o) {
        int best = 0;
        for (int c = 1; c < out; c++) {
            if (v[o + c] > v[o + best]) {
                best = c;
            }
        }
        return best;
    }
}
