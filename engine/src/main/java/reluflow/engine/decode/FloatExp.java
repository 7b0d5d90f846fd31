package reluflow.engine.decode;

/**
 * e^x to float precision, several times cheaper than {@link Math#exp}: a softmax takes one exp per
 * class for every frame, and scores are reported as floats, so double precision buys nothing there.
 * Range reduction x = n ln2 + r with |r| <= ln2/2 (n rounded to nearest) (ln2 split in two for exactness), a degree-6
 * polynomial for e^r (the Cephes expf coefficients), then 2^n put in the exponent bits.
 */
final class FloatExp {
    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** Below this e^x is under the smallest normal float: it returns 0 (a softmax term that small cannot move a float score). */
    private static final float MIN_ARGUMENT = -87.33654f;
    private static final float MAX_ARGUMENT = 88.72283f;
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    private FloatExp() {
    }

    static float exp(float x) {
        if (!(x >= MIN_ARGUMENT)) {
            return x != x ? x : 0f;
        }
        if (x > MAX_ARGUMENT) {
            return Float.POSITIVE_INFINITY;
        }
        // Round x*log2(e) to the nearest integer by adding 1.5*2^23: the float's low mantissa bits then hold it.
        float t = x * LOG2E + ROUNDER;
        float n = t - ROUNDER;
        int exponent = Float.floatToRawIntBits(t) - ROUNDER_BITS;
        float er = expOfReduced(x - n * LN2_HIGH - n * LN2_LOW);
        // n can reach 128 near MAX_ARGUMENT: scale in two steps so 2^n never overflows on its own.
        if (exponent > 127) {
            return er * 2f * Float.intBitsToFloat((exponent - 1 + 127) << 23);
        }
        if (exponent < -126) {
            return er * 0.5f * Float.intBitsToFloat((exponent + 1 + 127) << 23);
        }
        return er * Float.intBitsToFloat((exponent + 127) << 23);
    }

    /**
     * e^x for x <= 0, the same value as {@link #exp}: a softmax term, each value minus the largest. With nothing
     * to overflow and n never below -126 from MIN_ARGUMENT up, 2^n is always a normal float, and the
     * range checks of the general case are left out of the loop that runs once per class and frame.
     */
    static float expNonPositive(float x) {
        if (!(x >= MIN_ARGUMENT)) {
            return x != x ? x : 0f;
        }
        float t = x * LOG2E + ROUNDER;
        float n = t - ROUNDER;
        int exponent = Float.floatToRawIntBits(t) - ROUNDER_BITS;
        return expOfReduced(x - n * LN2_HIGH - n * LN2_LOW) * Float.intBitsToFloat((exponent + 127) << 23);
    }

    /** e^r for |r| <= ln2/2. */
    private static float expOfReduced(float r) {
        // Fused multiply-adds (one instruction each where the CPU has FMA): the polynomial is a chain of
        // dependent steps, and its latency was most of the cost of a softmax over a few classes.
        float p = Math.fma(1.9875691500e-4f, r, 1.3981999507e-3f);
        p = Math.fma(p, r, 8.3334519073e-3f);
        p = Math.fma(p, r, 4.1665795894e-2f);
        p = Math.fma(p, r, 1.6666665459e-1f);
        p = Math.fma(p, r, 5.0000001201e-1f);
        return Math.fma(p, r * r, r + 1f);
    }
}
