package reluflow.cli.replay;

import java.util.Arrays;

/** Nearest-rank percentiles over a set of values. */
final class Percentiles {
    private final double[] sorted;

    Percentiles(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    boolean isEmpty() {
        return sorted.length == 0;
    }

    double min() {
        return sorted[0];
    }

    double max() {
        return sorted[sorted.length - 1];
    }

    /** The smallest value with at least p of all values at or below it (p in (0, 1]). */
    double at(double p) {
        int rank = (int) Math.max(1, Math.ceil(p * sorted.length));
        return sorted[Math.min(sorted.length, rank) - 1];
    }
}
