package org.equibench.impl.irismlp;

/**
 * A one-hidden-layer ReLU/softmax MLP trained by plain mini-batch SGD, in plain double[] loops.
 * All buffers are allocated once in the constructor: the training loop allocates nothing, so the JIT-compiled
 * loop does only arithmetic (the same discipline as the seed's Rust code). Weights are row-major
 * (w1[in][hidden], w2[hidden][out]); a batch's activations are stored unit-major ([unit][row]) so that
 * every inner loop of training runs over the batch rows: with hidden = 8 and out = 3, loops over units are
 * too short for the JIT to unroll or vectorize, while loops over 32 rows are not (measured: 24 ms → 17 ms
 * for 1000 epochs on Iris).
 */
final class DenseMlp {
    private final int in;
    private final int hidden;
    private final int out;
    private final int stride;   // the batch capacity: row i of unit u lives at [u * stride + i]
    final double[] w1;
    final double[] b1;
    final double[] w2;
    final double[] b2;
    private final double[] xT;  // the batch's inputs, feature-major
    private final double[] hT;  // hidden activations; h > 0 doubles as the ReLU mask
    private final double[] pT;  // softmax, overwritten in place by dLoss/dz2
    private final double[] dhT; // dLoss/dz1
    private final double[] rowMax;
    private final double[] rowSum;
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
        this.stride = maxBatch;
        w1 = new double[in * hidden];
        b1 = new double[hidden];
        w2 = new double[hidden * out];
        b2 = new double[out];
        xT = new double[in * maxBatch];
        hT = new double[hidden * maxBatch];
        pT = new double[out * maxBatch];
        dhT = new double[hidden * maxBatch];
        rowMax = new double[maxBatch];
        rowSum = new double[maxBatch];
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
                backward(m);
                update(lr);
            }
            lossCurve[e] = epochLoss / n;
        }
    }

    /** Forward pass of rows [start, start+m): fills hT and pT, then turns pT into dLoss/dz2; returns the mean loss. */
    private double forwardLoss(double[] x, int[] y, int start, int m) {
        final int s = stride;
        for (int i = 0; i < m; i++) {
            for (int k = 0; k < in; k++) {
                xT[k * s + i] = x[(start + i) * in + k];
            }
        }
        for (int j = 0; j < hidden; j++) {           // z1 = X·W1 + b1, then ReLU
            int ho = j * s;
            java.util.Arrays.fill(hT, ho, ho + m, 0.0);
            for (int k = 0; k < in; k++) {
                double w = w1[k * hidden + j];
                int xo = k * s;
                for (int i = 0; i < m; i++) {
                    hT[ho + i] += xT[xo + i] * w;
                }
            }
            double b = b1[j];
            for (int i = 0; i < m; i++) {
                double z = hT[ho + i] + b;
                hT[ho + i] = z > 0 ? z : 0.0;
            }
        }
        for (int c = 0; c < out; c++) {              // z2 = h·W2 + b2
            int po = c * s;
            java.util.Arrays.fill(pT, po, po + m, 0.0);
            for (int j = 0; j < hidden; j++) {
                double w = w2[j * out + c];
                int ho = j * s;
                for (int i = 0; i < m; i++) {
                    pT[po + i] += hT[ho + i] * w;
                }
            }
            double b = b2[c];
            for (int i = 0; i < m; i++) {
                pT[po + i] += b;
            }
        }
        System.arraycopy(pT, 0, rowMax, 0, m);       // softmax per row, subtracting the row max
        for (int c = 1; c < out; c++) {
            for (int i = 0; i < m; i++) {
                rowMax[i] = Math.max(rowMax[i], pT[c * s + i]);
            }
        }
        java.util.Arrays.fill(rowSum, 0, m, 0.0);
        for (int c = 0; c < out; c++) {
            for (int i = 0; i < m; i++) {
                double v = Math.exp(pT[c * s + i] - rowMax[i]);
                pT[c * s + i] = v;
                rowSum[i] += v;
            }
        }
        for (int c = 0; c < out; c++) {
            for (int i = 0; i < m; i++) {
                pT[c * s + i] /= rowSum[i];
            }
        }
        double logSum = 0;                           // loss, then dLoss/dz2 = (p - onehot) / m
        for (int i = 0; i < m; i++) {
            int at = y[start + i] * s + i;
            logSum += Math.log(pT[at]);
            pT[at] -= 1.0;
        }
        for (int c = 0; c < out; c++) {
            for (int i = 0; i < m; i++) {
                pT[c * s + i] /= m;
            }
        }
        return -(logSum / m);
    }

    private void backward(int m) {
        final int s = stride;
        for (int j = 0; j < hidden; j++) {
            int ho = j * s;
            for (int c = 0; c < out; c++) {          // gW2 = hᵀ·d2
                int po = c * s;
                double g = 0;
                for (int i = 0; i < m; i++) {
                    g += hT[ho + i] * pT[po + i];
                }
                gw2[j * out + c] = g;
            }
            java.util.Arrays.fill(dhT, ho, ho + m, 0.0);
            for (int c = 0; c < out; c++) {          // dh = d2·W2ᵀ ⊙ [z1 > 0]
                double w = w2[j * out + c];
                int po = c * s;
                for (int i = 0; i < m; i++) {
                    dhT[ho + i] += pT[po + i] * w;
                }
            }
            double gb = 0;
            for (int i = 0; i < m; i++) {
                if (!(hT[ho + i] > 0)) {
                    dhT[ho + i] = 0.0;
                }
                gb += dhT[ho + i];
            }
            gb1[j] = gb;
            for (int k = 0; k < in; k++) {           // gW1 = Xᵀ·dh
                int xo = k * s;
                double g = 0;
                for (int i = 0; i < m; i++) {
                    g += xT[xo + i] * dhT[ho + i];
                }
                gw1[k * hidden + j] = g;
            }
        }
        for (int c = 0; c < out; c++) {
            int po = c * s;
            double g = 0;
            for (int i = 0; i < m; i++) {
                g += pT[po + i];
            }
            gb2[c] = g;
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
