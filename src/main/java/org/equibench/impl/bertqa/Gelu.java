package org.equibench.impl.bertqa;

/**
 * BERT's GELU with the exact error function, {@code 0.5 x (1 + erf(x / √2))} (Hugging Face {@code hidden_act: "gelu"},
 * PyTorch's default {@code approximate='none'}), in double: for an engine that writes the MLP itself (java/jlama; Jlama's
 * own {@code ActivationFunction.GELU} is the tanh approximation). Public for the Java 21 engine.
 */
public final class Gelu {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
    private static final double INV_SQRT2 = 1 / Math.sqrt(2);
    /** Below it the Maclaurin series (≤ 1e-14 absolute after cancellation), above it erfc's continued fraction. */
    private static final double SERIES_LIMIT = 2.5;

    private Gelu() {
    }

    public static float gelu(float x) {
        return (float) (0.5 * x * (1 + erf(x * INV_SQRT2)));
    }

    /** erf to about 1e-14 absolute: a Maclaurin series near 0, erfc's continued fraction beyond 2.5, ±1 beyond 6. */
    public static double erf(double z) {
        double a = Math.abs(z);
        double r;
        if (a < SERIES_LIMIT) {
            // erf z = 2/√π Σ (-1)^n z^(2n+1) / (n! (2n+1))
            double z2 = a * a;
            double term = a;
            double sum = a;
            for (int n = 1; n < 100; n++) {
                term *= -z2 / n;
                double t = term / (2 * n + 1);
                sum += t;
                if (Math.abs(t) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = TWO_OVER_SQRT_PI * sum;
        } else if (a < 6) {
            // erfc z = exp(-z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))), evaluated from the tail
            double k = a;
            for (int n = 80; n >= 1; n--) {
                k = a + (n / 2.0) / k;
            }
            r = 1 - Math.exp(-a * a) * INV_SQRT_PI / k;
        } else {
            r = 1;
        }
        return z < 0 ? -r : r;
    }
}
