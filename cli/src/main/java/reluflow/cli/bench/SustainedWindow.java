package reluflow.cli.bench;

import java.util.Arrays;

/**
 * The timed window of a pre-loaded pipeline run, from periodic looks at how many detections each output
 * partition holds. It opens at the last look before half of all detections were out (the first half is the
 * job's start-up and the JIT). It closes at the first look where some partition had all of its frames' detections:
 * from then on the slot that read that partition has nothing left to do, and a rate taken to the very end would
 * measure how unevenly the slots started (at parallelism 2 one slot ahead by 0.4 s leaves the other working alone
 * for the run's last 0.4 s), not what the job sustains while frames keep coming.
 *
 * <p>Each output partition matches one input partition because the job keys detections by sensor id, like the
 * frames, and both topics have the same partition count. A window shorter than a quarter of the run (one partition
 * drained before or just after half) falls back to the rate to the end, as does a run whose partitions did not end
 * with the counts expected of them.
 */
final class SustainedWindow {
    private final long[] expectedPerPartition;
    private final long total;
    private long fromNanos;
    private long fromCount;
    private long busyNanos = -1;
    private long busyCount;
    private long endNanos = -1;
    private long endCount;
    private long[] last;

    SustainedWindow(long[] expectedPerPartition) {
        this.expectedPerPartition = expectedPerPartition.clone();
        long sum = 0;
        for (long e : expectedPerPartition) {
            sum += e;
        }
        this.total = sum;
    }

    /** Records one look; true once every detection is out. */
    boolean look(long nanos, long[] perPartition) {
        last = perPartition.clone();
        long count = 0;
        boolean drained = false;
        for (int p = 0; p < perPartition.length; p++) {
            count += perPartition[p];
            drained |= perPartition[p] >= expectedPerPartition[p];
        }
        if (count < Math.max(1, total / 2)) {
            fromNanos = nanos;
            fromCount = count;
        } else if (busyNanos < 0 && drained) {
            busyNanos = nanos;
            busyCount = count;
        }
        if (count >= total && endNanos < 0) {
            endNanos = nanos;
            endCount = count;
        }
        return count >= total;
    }

    long total() {
        return total;
    }

    /** Whether some partition has had all of its detections since half were out. */
    boolean partitionDrained() {
        return busyNanos >= 0;
    }

    /** Whether the rate is taken while every partition still had frames (else to the end). */
    boolean whileEveryPartitionBusy() {
        return busyNanos >= 0 && busyCount - fromCount >= total / 4 && Arrays.equals(last, expectedPerPartition);
    }

    /** Detections per second over the window. */
    double framesPerSecond() {
        return whileEveryPartitionBusy() ? rate(busyNanos, busyCount) : toEndFramesPerSecond();
    }

    /** Detections per second from half to the last one: the slots' uneven start included. */
    double toEndFramesPerSecond() {
        return rate(endNanos, endCount);
    }

    /** Where the window closed, in nanos of the looks' clock. */
    long closedAtNanos() {
        return whileEveryPartitionBusy() ? busyNanos : endNanos;
    }

    private double rate(long toNanos, long toCount) {
        return (toCount - fromCount) / ((toNanos - fromNanos) / 1e9);
    }
}
