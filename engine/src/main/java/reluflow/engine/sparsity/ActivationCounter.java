package reluflow.engine.sparsity;

/**
 * Counts exact zeros and fired units in a frame's activations of one layer: one tight, branch-free
 * pass over a plain array (a ReLU output is zero about half the time, so a branch per activation
 * would be mispredicted about half the time); no per-activation objects.
 */
public final class ActivationCounter {
    private ActivationCounter() {
    }

    /** Every frame of a batch; see {@link #countFrame}. */
    public static LayerActivity[] count(String layer, float[] values, int frames, long[] frameShape, int unitAxis) {
        int perFrame = Math.toIntExact(product(frameShape, 0, frameShape.length));
        LayerActivity[] out = new LayerActivity[frames];
        for (int f = 0; f < frames; f++) {
            out[f] = countFrame(layer, values, f * perFrame, frameShape, unitAxis);
        }
        return out;
    }

    /**
     * @param values a layer output, row-major; this frame's slice starts at {@code offset}
     * @param frameShape shape of one frame's slice (batch axis removed)
     * @param unitAxis axis of frameShape that indexes units
     */
    public static LayerActivity countFrame(String layer, float[] values, int offset, long[] frameShape, int unitAxis) {
        int perFrame = Math.toIntExact(product(frameShape, 0, frameShape.length));
        int units = frameShape.length == 0 ? 1 : Math.toIntExact(frameShape[unitAxis]);
        // Elements after the unit axis share a unit: e.g. the H*W pixels of one channel.
        int inner = Math.toIntExact(product(frameShape, unitAxis + 1, frameShape.length));
        int outer = perFrame / Math.max(1, units * inner);
        long[] fired = new long[(units + 63) >>> 6];
        long nonZeros = 0;
        // Nested loops in memory order (outer axes, unit, inner axes): no division per activation.
        int i = offset;
        for (int o = 0; o < outer; o++) {
            if (inner == 1) {
                // One unit per activation: 64 units' fired bits gather in a register, and their count is its popcount.
                for (int word = 0; word < fired.length; word++) {
                    int end = Math.min(units, (word + 1) << 6);
                    long bits = 0;
                    for (int unit = word << 6; unit < end; unit++) {
                        bits |= (long) nonZero(values[i++]) << unit;
                    }
                    fired[word] |= bits;
                    nonZeros += Long.bitCount(bits);
                }
            } else {
                for (int unit = 0; unit < units; unit++) {
                    int count = 0;
                    for (int end = i + inner; i < end; i++) {
                        count += nonZero(values[i]);
                    }
                    nonZeros += count;
                    fired[unit >>> 6] |= (long) ((count | -count) >>> 31) << unit;
                }
            }
        }
        return new LayerActivity(layer, units, perFrame, perFrame - nonZeros, fired);
    }

    /** 1 unless v is +0 or -0 (NaN counts as non-zero, as the comparison v == 0 would say). */
    private static int nonZero(float v) {
        int magnitude = Float.floatToRawIntBits(v) & 0x7FFF_FFFF;
        return (magnitude | -magnitude) >>> 31;
    }

    static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
