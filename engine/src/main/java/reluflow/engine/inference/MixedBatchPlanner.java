package reluflow.engine.inference;

/**
 * Chooses, for batches holding both sampled and unsampled frames, between two runs (split) and one
 * instrumented run (merged), by the time per frame each took lately. Now and then it runs the plan it
 * does not prefer, so a change in load or batch sizes is noticed: less often once that plan has shown
 * itself clearly slower, since each such run costs what it is slower by. One per thread: not thread-safe.
 *
 * <p>Each plan's time is a moving average that follows a faster batch quickly and a slower one slowly and
 * only so far: the noise in timing one batch is nearly all one way (a collection or compilation pause, another
 * process taking the core), and the first batches run while the JIT is still compiling, several times slower
 * than they will be.
 */
final class MixedBatchPlanner {
    /** Every this many mixed batches, the plan not preferred runs once, while the two are close or not yet settled. */
    static final int EXPLORE_EVERY = 32;
    /**
     * Every this many, once the plan not preferred has run {@link #SETTLED_SAMPLES} times and takes
     * {@link #CLEARLY_SLOWER} times as long or more. On the demo MLP at batch 32 and 10% sampling, split batches
     * took 1.5 to 2.5 times as long as merged ones: running one every 32 batches cost 1.5-4% of the engine's
     * throughput, where the budget for sampling is 2%.
     */
    static final int EXPLORE_EVERY_WHEN_CLEAR = 256;
    static final double CLEARLY_SLOWER = 1.25;
    static final int SETTLED_SAMPLES = 8;
    /** Weight of a batch faster than its plan's average. */
    private static final double WEIGHT_OF_FASTER = 0.5;
    /** Weight of a batch slower than its plan's average, counted as at most {@link #OUTLIER_FACTOR} times the average. */
    private static final double WEIGHT_OF_SLOWER = 0.1;
    /**
     * A pause inside one timed batch (ten to a hundred times its usual time, seen on the demo MLP) would otherwise
     * make its plan look slower for hundreds of batches; a plan that truly got slower shows it within a few batches.
     */
    static final double OUTLIER_FACTOR = 2.0;

    private double splitNanosPerFrame = Double.NaN;
    private double mergedNanosPerFrame = Double.NaN;
    private int splitSamples;
    private int mergedSamples;
    private long batches;

    boolean merge() {
        batches++;
        if (Double.isNaN(splitNanosPerFrame)) {
            return false;
        }
        if (Double.isNaN(mergedNanosPerFrame)) {
            return true;
        }
        boolean preferMerged = mergedNanosPerFrame < splitNanosPerFrame;
        double slower = preferMerged ? splitNanosPerFrame / mergedNanosPerFrame : mergedNanosPerFrame / splitNanosPerFrame;
        boolean settled = Math.min(splitSamples, mergedSamples) >= SETTLED_SAMPLES;
        int every = settled && slower >= CLEARLY_SLOWER ? EXPLORE_EVERY_WHEN_CLEAR : EXPLORE_EVERY;
        return batches % every == 0 ? !preferMerged : preferMerged;
    }

    void record(boolean merged, long nanos, int frames) {
        double perFrame = (double) nanos / Math.max(1, frames);
        if (merged) {
            mergedNanosPerFrame = movingAverage(mergedNanosPerFrame, perFrame);
            mergedSamples++;
        } else {
            splitNanosPerFrame = movingAverage(splitNanosPerFrame, perFrame);
            splitSamples++;
        }
    }

    private static double movingAverage(double average, double sample) {
        if (Double.isNaN(average)) {
            return sample;
        }
        if (sample < average) {
            return average + WEIGHT_OF_FASTER * (sample - average);
        }
        return average + WEIGHT_OF_SLOWER * (Math.min(sample, OUTLIER_FACTOR * average) - average);
    }

    boolean prefersMerged() {
        return mergedNanosPerFrame < splitNanosPerFrame;
    }
}
