package reluflow.engine.sparsity;

/**
 * Counts exact zeros and fired units in a frame's activations of one layer: one tight, branch-free
 * pass over a plain array (a ReLU output is zero about half the time, so a branch per activation
 * would be mispredicted about half the time); no per-activation objects.
 */
public final class ActivationCounter {
    private ActivationCounter() {
    }

    /**
     * Where a frame's activations of one layer lie, worked out once per layer and batch: a frame of a
     * small dense layer is a few dozen values, so working the shape out again for every frame was a
     * visible share of counting them.
     *
     * @param perFrame activation values per frame
     * @param units units (neurons or channels)
     * @param inner values after the unit axis, which share a unit: e.g. the H*W pixels of one channel
     * @param outer repetitions of the units before the unit axis
     */
    public record Layout(int perFrame, int units, int inner, int outer) {

        /**
         * @param frameShape shape of one frame's slice (batch axis removed)
         * @param unitAxis axis of frameShape that indexes units
         */
        public static Layout of(long[] frameShape, int unitAxis) {
            int perFrame = Math.toIntExact(product(frameShape, 0, frameShape.length));
            int units = frameShape.length == 0 ? 1 : Math.toIntExact(frameShape[unitAxis]);
            int inner = Math.toIntExact(product(frameShape, unitAxis + 1, frameShape.length));
            return new Layout(perFrame, units, inner, perFrame / Math.max(1, units * inner));
        }
    }

    /** Every frame of a batch; see {@link #countFrame(String, float[], int, Layout)}. */
    public static LayerActivity[] count(String layer, float[] values, int frames, long[] frameShape, int unitAxis) {
        Layout layout = Layout.of(frameShape, unitAxis);
        LayerActivity[] out = new LayerActivity[frames];
        for (int f = 0; f < frames; f++) {
            out[f] = countFrame(layer, values, f * layout.perFrame(), layout);
        }
        return out;
    }

    /** One frame; see {@link #countFrame(String, float[], int, Layout)}. */
    public static LayerActivity countFrame(String layer, float[] values, int offset, long[] frameShape, int unitAxis) {
        return countFrame(layer, values, offset, Layout.of(frameShape, unitAxis));
    }

    /** @param values a layer output, row-major; this frame's slice starts at {@code offset} */
    public static LayerActivity countFrame(String layer, float[] values, int offset, Layout layout) {
        int units = layout.units();
        long[] fired = new long[(units + 63) >>> 6];
        long nonZeros = layout.inner() == 1
                ? countDense(values, offset, layout.outer(), units, fired)
                : countChannels(values, offset, layout.outer(), units, layout.inner(), fired);
        return new LayerActivity(layer, units, layout.perFrame(), layout.perFrame() - nonZeros, fired);
    }

    /**
     * One unit per activation: 64 units' fired bits gather in a register, and their count is its popcount.
     * Nested loops in memory order (outer axes, unit): no division per activation. Eight values at a time,
     * each value's bit shifted by a constant: steps the CPU overlaps, where a running bit mask shifted once per
     * value made each step wait on the one before.
     */
    private static long countDense(float[] values, int offset, int outer, int units, long[] fired) {
        long nonZeros = 0;
        int i = offset;
        for (int o = 0; o < outer; o++) {
            for (int word = 0, unit = 0; word < fired.length; word++) {
                int inWord = Math.min(64, units - unit);
                long bits = 0;
                int k = 0;
                for (; k + 8 <= inWord; k += 8, i += 8) {
                    long eight = nonZeroBit(values[i]) | nonZeroBit(values[i + 1]) << 1 | nonZeroBit(values[i + 2]) << 2
                            | nonZeroBit(values[i + 3]) << 3 | nonZeroBit(values[i + 4]) << 4 | nonZeroBit(values[i + 5]) << 5
                            | nonZeroBit(values[i + 6]) << 6 | nonZeroBit(values[i + 7]) << 7;
                    bits |= eight << k;
                }
                for (; k < inWord; k++, i++) {
                    bits |= nonZeroBit(values[i]) << k;
                }
                fired[word] |= bits;
                nonZeros += Long.bitCount(bits);
                unit += inWord;
            }
        }
        return nonZeros;
    }

    private static long countChannels(float[] values, int offset, int outer, int units, int inner, long[] fired) {
        long nonZeros = 0;
        int i = offset;
        for (int o = 0; o < outer; o++) {
            for (int unit = 0; unit < units; unit++) {
                int count = 0;
                for (int end = i + inner; i < end; i++) {
                    count += nonZero(values[i]);
                }
                nonZeros += count;
                fired[unit >>> 6] |= (long) ((count | -count) >>> 31) << unit;
            }
        }
        return nonZeros;
    }

    /** 1 unless v is +0 or -0 (NaN counts as non-zero, as the comparison v == 0 would say). */
    private static int nonZero(float v) {
        int magnitude = Float.floatToRawIntBits(v) & 0x7FFF_FFFF;
        return (magnitude | -magnitude) >>> 31;
    }

    /** 1 unless v is +0 or -0: a magnitude of 1 or more, plus 2^31 - 1, reaches bit 31. */
    private static long nonZeroBit(float v) {
        return ((Float.floatToRawIntBits(v) & 0x7FFF_FFFFL) + 0x7FFF_FFFFL) >>> 31;
    }

    static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
