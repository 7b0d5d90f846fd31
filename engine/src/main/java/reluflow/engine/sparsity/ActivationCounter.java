package reluflow.engine.sparsity;

import java.util.Arrays;

/**
 * Counts exact zeros and fired units in a frame's activations of one layer: tight, branch-free passes
 * over the values' bits in a plain array (a ReLU output is zero about half the time, so a branch per
 * activation would be mispredicted about half the time); no per-activation objects. A zero is +0 or -0;
 * a NaN counts as non-zero, as the comparison {@code v == 0} would say.
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

    /** Every frame of a batch of float values; see {@link BatchCounter}. */
    public static LayerActivity[] count(String layer, float[] values, int frames, long[] frameShape, int unitAxis) {
        Layout layout = Layout.of(frameShape, unitAxis);
        int[] marked = floatBits(values, 0, frames * layout.perFrame());
        mark(marked, unitBits(layout, frames), 0, marked.length);
        LayerCounts counts = new LayerCounts(layer, layout.units(), layout.perFrame(), frames, false);
        LayerActivity[] out = new LayerActivity[frames];
        for (int f = 0; f < frames; f++) {
            countMarked(marked, f * layout.perFrame(), layout, counts, f);
            out[f] = counts.activity(f);
        }
        return out;
    }

    /** One frame of float values; see {@link BatchCounter}. */
    public static LayerActivity countFrame(String layer, float[] values, int offset, long[] frameShape, int unitAxis) {
        int perFrame = Math.toIntExact(product(frameShape, 0, frameShape.length));
        return count(layer, Arrays.copyOfRange(values, offset, offset + perFrame), 1, frameShape, unitAxis)[0];
    }

    /**
     * The mask each value is marked with, for {@code frames} frames of a layout: for one value per unit
     * (dense), bit {@code unit & 31}, so that a 32-unit group's marks OR into its fired bits; for units of
     * several values (channels), every bit.
     */
    static int[] unitBits(Layout layout, int frames) {
        int[] unitBits = new int[Math.multiplyExact(frames, layout.perFrame())];
        for (int i = 0; i < unitBits.length; i++) {
            unitBits[i] = layout.inner() == 1 ? 1 << ((i % Math.max(1, layout.units())) & 31) : -1;
        }
        return unitBits;
    }

    /**
     * Turns each value's raw float bits in [from, to) into its mask where the value is not zero, else 0. No
     * branch and nothing carried from one value to the next: the JIT runs it eight values per instruction
     * (AVX2). Gathering fired bits value by value into a running word, in one pass, cost about 1.6 times
     * as much for dense layers of 24 to 512 units (ActivationCounterBenchmark).
     */
    static void mark(int[] bits, int[] unitBits, int from, int to) {
        for (int i = from; i < to; i++) {
            // The sign bit masked off, a magnitude of 1 or more carries into bit 31; >> 31 spreads it to all 32 bits.
            bits[i] = (((bits[i] & 0x7FFF_FFFF) + 0x7FFF_FFFF) >> 31) & unitBits[i];
        }
    }

    /** One frame whose values {@link #mark} marked: its zeros and fired units go to the counts at {@code position}. */
    static void countMarked(int[] marked, int offset, Layout layout, LayerCounts counts, int position) {
        int slot = counts.slot(position);
        long nonZeros = layout.inner() == 1
                ? countDense(marked, offset, layout.outer(), layout.units(), counts.data, counts.firedFrom(slot))
                : countChannels(marked, offset, layout.outer(), layout.units(), layout.inner(), counts.data, counts.firedFrom(slot));
        counts.setZeros(slot, layout.perFrame() - nonZeros);
    }

    /**
     * The first {@code frames} frames that {@link #mark} marked, each into its own position of the counts (not
     * shared, every position a slot): one call per layer and batch, the frames' offsets stepped rather than
     * worked out per frame. The same per-frame steps as {@link #countMarked}, written out: with them in a shared
     * method, `ActivationCounterBenchmark` ran 10-30% slower and far noisier (32 units 511-642 against 451-473 ns).
     */
    static void countAllMarked(int[] marked, int frames, Layout layout, LayerCounts counts) {
        if (!counts.slotPerPosition()) {
            throw new IllegalArgumentException("counts of layer " + counts.layer() + " do not have a slot for every position");
        }
        int perFrame = layout.perFrame();
        int stride = counts.words() + 1;
        long[] data = counts.data;
        int zerosAt = 0;
        for (int f = 0, offset = 0; f < frames; f++, offset += perFrame, zerosAt += stride) {
            long nonZeros = layout.inner() == 1
                    ? countDense(marked, offset, layout.outer(), layout.units(), data, zerosAt + 1)
                    : countChannels(marked, offset, layout.outer(), layout.units(), layout.inner(), data, zerosAt + 1);
            data[zerosAt] = perFrame - nonZeros;
        }
    }

    /**
     * Each 32-unit group's marks OR into its fired bits, whose popcount is the group's non-zeros. Eight marks at a
     * time as a tree of ORs: a group of 24 or 32 is too short for the JIT's vectorised loop, and one running OR is a
     * chain of dependent steps. The OR loop alone over 32 frames (a throwaway probe): 32 units 340 -> 242 ns, 24 units
     * 286-342 -> 207-220; `ActivationCounterBenchmark` (copy, marks and counts), two alternating pairs: 32 units 441, 457
     * -> 426, 429 ns, 24 units 397, 391 -> 366, 371, 512 units 5.6, 5.7 -> 5.3, 5.2 us.
     */
    private static long countDense(int[] marked, int offset, int outer, int units, long[] fired, int firedFrom) {
        long nonZeros = 0;
        int row = offset;
        for (int o = 0; o < outer; o++, row += units) {
            for (int unit = 0; unit < units; unit += 32) {
                int group = 0;
                int i = row + unit;
                int end = row + Math.min(units, unit + 32);
                for (; i + 8 <= end; i += 8) {
                    group |= ((marked[i] | marked[i + 1]) | (marked[i + 2] | marked[i + 3]))
                            | ((marked[i + 4] | marked[i + 5]) | (marked[i + 6] | marked[i + 7]));
                }
                for (; i < end; i++) {
                    group |= marked[i];
                }
                fired[firedFrom + (unit >>> 6)] |= (group & 0xFFFF_FFFFL) << (unit & 32);
                nonZeros += Integer.bitCount(group);
            }
        }
        return nonZeros;
    }

    private static long countChannels(int[] marked, int offset, int outer, int units, int inner, long[] fired, int firedFrom) {
        long nonZeros = 0;
        int i = offset;
        for (int o = 0; o < outer; o++) {
            for (int unit = 0; unit < units; unit++) {
                int count = 0;
                for (int end = i + inner; i < end; i++) {
                    count += marked[i] >>> 31;
                }
                nonZeros += count;
                fired[firedFrom + (unit >>> 6)] |= (long) ((count | -count) >>> 31) << unit;
            }
        }
        return nonZeros;
    }

    private static int[] floatBits(float[] values, int offset, int count) {
        int[] bits = new int[count];
        for (int i = 0; i < count; i++) {
            bits[i] = Float.floatToRawIntBits(values[offset + i]);
        }
        return bits;
    }

    static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
