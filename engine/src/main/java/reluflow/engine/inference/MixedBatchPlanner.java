package reluflow.engine.inference;

/**
 * Chooses, for batches holding both sampled and unsampled frames, between two runs (split) and one
 * instrumented run (merged), by the time per frame each took lately. Now and then it runs the plan it
 * does not prefer, so a change in load or batch sizes is noticed. One per thread: not thread-safe.
 */
final class MixedBatchPlanner {
    /** Every this many mixed batches, the plan not preferred runs once. */
    static final int EXPLORE_EVERY = 32;
    private static final double WEIGHT_OF_NEWEST = 0.1;

    private double splitNanosPerFrame = Double.NaN;
    private double mergedNanosPerFrame = Double.NaN;
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
        return batches % EXPLORE_EVERY == 0 ? !preferMerged : preferMerged;
    }

    void record(boolean merged, long nanos, int frames) {
        double perFrame = (double) nanos / Math.max(1, frames);
        if (merged) {
            mergedNanosPerFrame = movingAverage(mergedNanosPerFrame, perFrame);
        } else {
            splitNanosPerFrame = movingAverage(splitNanosPerFrame, perFrame);
        }
    }

    private static double movingAverage(double average, double sample) {
        return Double.isNaN(average) ? sample : average + WEIGHT_OF_NEWEST * (sample - average);
    }

    boolean prefersMerged() {
        return mergedNanosPerFrame < splitNanosPerFrame;
    }
}
