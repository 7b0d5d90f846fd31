package reluflow.engine.sparsity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Mergeable per-layer aggregate of frames' zero fractions and fired units: constant size whatever
 * the number of frames, so window state never holds per-frame lists. Percentiles come from a
 * histogram of {@value #BINS} bins over [0,1], so p50/p95 are exact to within 1/{@value #BINS}.
 * A Flink POJO (public no-arg constructor, getters and setters).
 */
public class SparsityAccumulator {
    public static final int BINS = 1000;
    public static final int MAX_DEAD_UNIT_INDICES = 256;

    private String layer;
    private int units;
    private long activationsPerFrame;
    private long frames;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;
    private int[] histogram = new int[BINS];
    private long[] firedUnits = new long[0];

    public SparsityAccumulator() {
    }

    public SparsityAccumulator(String layer) {
        this.layer = layer;
    }

    public SparsityAccumulator add(LayerActivity activity) {
        addFrame(activity.layer(), activity.units(), activity.activations(), activity.zeros());
        firedUnits = or(firedUnits, activity.firedUnits());
        return this;
    }

    /**
     * Several frames of one layer at once, as a batch pre-aggregated them: the same result as adding
     * each frame's {@link LayerActivity}, the fired units being the union over the frames.
     */
    public SparsityAccumulator addFrames(String layer, int units, long activationsPerFrame, long[] zerosPerFrame,
            long[] firedUnitsOfFrames) {
        for (long zeros : zerosPerFrame) {
            addFrame(layer, units, activationsPerFrame, zeros);
        }
        firedUnits = or(firedUnits, firedUnitsOfFrames);
        return this;
    }

    private void addFrame(String frameLayer, int frameUnits, long activations, long zeros) {
        if (layer == null) {
            layer = frameLayer;
        }
        units = Math.max(units, frameUnits);
        activationsPerFrame = activations;
        double zeroFraction = LayerActivity.zeroFraction(zeros, activations);
        frames++;
        sum += zeroFraction;
        min = Math.min(min, zeroFraction);
        max = Math.max(max, zeroFraction);
        histogram[bin(zeroFraction)]++;
    }

    public SparsityAccumulator merge(SparsityAccumulator other) {
        if (other.frames == 0) {
            return this;
        }
        if (layer == null) {
            layer = other.layer;
        }
        units = Math.max(units, other.units);
        activationsPerFrame = Math.max(activationsPerFrame, other.activationsPerFrame);
        frames += other.frames;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        for (int i = 0; i < BINS; i++) {
            histogram[i] += other.histogram[i];
        }
        firedUnits = or(firedUnits, other.firedUnits);
        return this;
    }

    public SparsitySummary summary() {
        List<Integer> dead = new ArrayList<>();
        int deadCount = 0;
        for (int unit = 0; unit < units; unit++) {
            boolean fired = (unit >>> 6) < firedUnits.length && (firedUnits[unit >>> 6] & (1L << unit)) != 0;
            if (!fired) {
                deadCount++;
                if (dead.size() < MAX_DEAD_UNIT_INDICES) {
                    dead.add(unit);
                }
            }
        }
        boolean empty = frames == 0;
        return new SparsitySummary(layer, frames, units, activationsPerFrame,
                empty ? 0 : sum / frames, empty ? 0 : min, empty ? 0 : max,
                percentile(0.50), percentile(0.95), empty ? 0 : deadCount, empty ? List.of() : List.copyOf(dead));
    }

    /** Nearest-rank percentile, located to a histogram bin, reported as the bin's middle clamped to [min, max]. */
    private double percentile(double p) {
        if (frames == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(p * frames));
        long cumulative = 0;
        for (int i = 0; i < BINS; i++) {
            cumulative += histogram[i];
            if (cumulative >= rank) {
                double middle = (i + 0.5) / BINS;
                return Math.max(min, Math.min(max, middle));
            }
        }
        return max;
    }

    private static int bin(double zeroFraction) {
        return Math.min(BINS - 1, Math.max(0, (int) (zeroFraction * BINS)));
    }

    private static long[] or(long[] into, long[] bits) {
        long[] out = into.length >= bits.length ? into : Arrays.copyOf(into, bits.length);
        for (int i = 0; i < bits.length; i++) {
            out[i] |= bits[i];
        }
        return out;
    }

    public String getLayer() {
        return layer;
    }

    public void setLayer(String layer) {
        this.layer = layer;
    }

    public int getUnits() {
        return units;
    }

    public void setUnits(int units) {
        this.units = units;
    }

    public long getActivationsPerFrame() {
        return activationsPerFrame;
    }

    public void setActivationsPerFrame(long activationsPerFrame) {
        this.activationsPerFrame = activationsPerFrame;
    }

    public long getFrames() {
        return frames;
    }

    public void setFrames(long frames) {
        this.frames = frames;
    }

    public double getSum() {
        return sum;
    }

    public void setSum(double sum) {
        this.sum = sum;
    }

    public double getMin() {
        return min;
    }

    public void setMin(double min) {
        this.min = min;
    }

    public double getMax() {
        return max;
    }

    public void setMax(double max) {
        this.max = max;
    }

    public int[] getHistogram() {
        return histogram;
    }

    public void setHistogram(int[] histogram) {
        this.histogram = histogram;
    }

    public long[] getFiredUnits() {
        return firedUnits;
    }

    public void setFiredUnits(long[] firedUnits) {
        this.firedUnits = firedUnits;
    }
}
