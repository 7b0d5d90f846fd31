package reluflow.cli.replay;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * When each record of a replay goes out. Within a segment (one file in one loop) a frame is due at
 * {@code segmentStart + (eventTime - firstEventTime) / speed}; a frame whose due time has passed goes at
 * once (frames are never reordered, so an out-of-order event time only means no waiting). {@code --rate}
 * is a cap on top: consecutive sends at least 1/rate apart on average.
 */
final class Pacer {
    private static final long SLICE_NANOS = 50_000_000L;

    private final Speed speed;
    private final long rateIntervalNanos;
    private final BooleanSupplier stop;
    private long segmentStartNanos;
    private long segmentBaseMillis;
    private boolean segmentStarted;
    private long rateNextNanos = Long.MIN_VALUE;

    /** @param rate frames per second at most, 0 for no cap */
    Pacer(Speed speed, double rate, BooleanSupplier stop) {
        this.speed = speed;
        this.rateIntervalNanos = rate > 0 ? (long) (1e9 / rate) : 0;
        this.stop = stop;
    }

    /** A new file or loop begins: its first frame goes now, the others keep their spacing from it. */
    void startSegment() {
        segmentStarted = false;
    }

    /** Waits until the record with this event time (null: none, rate only) is due; false when stopped meanwhile. */
    boolean awaitTurn(Long eventMillis) {
        long now = System.nanoTime();
        long due = now;
        if (eventMillis != null && !speed.isMax()) {
            if (!segmentStarted) {
                segmentStarted = true;
                segmentStartNanos = now;
                segmentBaseMillis = eventMillis;
            }
            due = segmentStartNanos + (long) ((eventMillis - segmentBaseMillis) * 1e6 / speed.factor());
        }
        if (rateIntervalNanos > 0 && rateNextNanos != Long.MIN_VALUE) {
            due = Math.max(due, rateNextNanos);
        }
        boolean go = sleepUntil(due);
        if (rateIntervalNanos > 0) {
            long sent = System.nanoTime();
            // Credit for at most one interval of lateness: the average holds, bursts do not build up.
            rateNextNanos = Math.max(rateNextNanos == Long.MIN_VALUE ? sent : rateNextNanos, sent - rateIntervalNanos) + rateIntervalNanos;
        }
        return go;
    }

    private boolean sleepUntil(long due) {
        while (true) {
            if (stop.getAsBoolean()) {
                return false;
            }
            long wait = due - System.nanoTime();
            if (wait <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(wait, SLICE_NANOS));
        }
    }
}
