package org.equibench.measure;

/**
 * A small streaming probe of the machine's single-core memory read bandwidth: the best of a few passes reading
 * 512 MiB (far beyond any cache) on one thread with SIMD loads. Memory-bound work such as decoding one token of an LLM
 * (every weight read once) cannot beat bytes ÷ this figure, so it puts tokens per second in proportion.
 * Measured once per harness JVM, when first asked.
 */
public final class ReadBandwidth {
    private static final int LONGS = 64 << 20; // 512 MiB
    private static final int PASSES = 6;
    private static double bytesPerSecond = Double.NaN;

    private ReadBandwidth() {
    }

    public static synchronized double singleCoreBytesPerSecond() {
        if (Double.isNaN(bytesPerSecond)) {
            bytesPerSecond = measure();
        }
        return bytesPerSecond;
    }

    /**
     * Two equal 256 MiB arrays compared by {@link java.util.Arrays#mismatch}: the JDK's vectorized intrinsic reads
     * both to the end with SIMD loads, so the pass is bound by memory. A scalar summing loop was bound by its adds
     * on this machine type (~22 GB/s while decoding rows streamed their weights faster than that).
     */
    private static double measure() {
        long[] a = new long[LONGS / 2];
        long[] b = new long[LONGS / 2];
        for (int i = 0; i < a.length; i += 512) {
            a[i] = i; // touch every page once, so the passes read resident memory
            b[i] = i;
        }
        long best = Long.MAX_VALUE;
        long sink = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            long t0 = System.nanoTime();
            sink += java.util.Arrays.mismatch(a, b);
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (sink != -PASSES) {
            throw new IllegalStateException("the bandwidth probe's arrays differ"); // also keeps the comparisons alive
        }
        return (double) LONGS * Long.BYTES / (best / 1e9);
    }
}
