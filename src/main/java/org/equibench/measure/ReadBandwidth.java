package org.equibench.measure;

/**
 * A small streaming probe of the machine's single-core memory read bandwidth: the best of a few passes summing a
 * 512 MiB array (far beyond any cache) on one thread. Memory-bound work such as decoding one token of an LLM
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

    private static double measure() {
        long[] data = new long[LONGS];
        for (int i = 0; i < LONGS; i += 512) {
            data[i] = i; // touch every page once, so the passes read resident memory
        }
        long best = Long.MAX_VALUE;
        long sink = 0;
        for (int pass = 0; pass < PASSES; pass++) {
            long t0 = System.nanoTime();
            sink += sum(data);
            best = Math.min(best, System.nanoTime() - t0);
        }
        if (sink == 42) {
            System.out.print(""); // keeps the sums alive
        }
        return (double) LONGS * Long.BYTES / (best / 1e9);
    }

    /** Four independent accumulators, so the loop is bound by loads rather than by one addition chain. */
    private static long sum(long[] data) {
        long a = 0;
        long b = 0;
        long c = 0;
        long d = 0;
        for (int i = 0; i < data.length; i += 4) {
            a += data[i];
            b += data[i + 1];
            c += data[i + 2];
            d += data[i + 3];
        }
        return a + b + c + d;
    }
}
