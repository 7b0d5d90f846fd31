package reluflow.engine.sparsity;

import java.nio.FloatBuffer;

/**
 * Counts exact zeros and fired units in a batch of a layer's activations, one tight pass over the
 * output buffer; no per-activation objects.
 */
public final class ActivationCounter {
    private ActivationCounter() {
    }

    /**
     * @param values the layer output for the whole batch, row-major, batch axis first
     * @param frameShape shape of one frame's slice (batch axis removed)
     * @param unitAxis axis of frameShape that indexes units
     */
    public static LayerActivity[] count(String layer, FloatBuffer values, int frames, long[] frameShape, int unitAxis) {
        int perFrame = Math.toIntExact(product(frameShape, 0, frameShape.length));
        int units = frameShape.length == 0 ? 1 : Math.toIntExact(frameShape[unitAxis]);
        // Elements after the unit axis share a unit: e.g. the H*W pixels of one channel.
        int inner = Math.toIntExact(product(frameShape, unitAxis + 1, frameShape.length));
        int outer = perFrame / Math.max(1, units * inner);
        LayerActivity[] out = new LayerActivity[frames];
        for (int f = 0; f < frames; f++) {
            long[] fired = new long[(units + 63) >>> 6];
            long zeros = 0;
            // Nested loops in memory order (outer axes, unit, inner axes): no division per activation.
            int i = f * perFrame;
            for (int o = 0; o < outer; o++) {
                for (int unit = 0; unit < units; unit++) {
                    boolean any = false;
                    for (int k = 0; k < inner; k++) {
                        if (values.get(i++) == 0f) {
                            zeros++;
                        } else {
                            any = true;
                        }
                    }
                    if (any) {
                        fired[unit >>> 6] |= 1L << unit;
                    }
                }
            }
            out[f] = new LayerActivity(layer, units, perFrame, zeros, fired);
        }
        return out;
    }

    static long product(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
