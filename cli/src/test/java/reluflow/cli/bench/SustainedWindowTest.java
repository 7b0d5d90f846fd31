package reluflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SustainedWindowTest {
    private static final long MS = 1_000_000L;

    /**
     * Two slots of 1,000 frames/s each, one started 400 ms after the other, 2,000 frames per partition, looked at
     * every 10 ms. Both work at once from 400 ms until the first slot is done at 2,000 ms: 2,000 frames/s.
     */
    @Test
    void ratesTheSlotsWhileBothHaveFramesNotTheLateOneAlone() {
        SustainedWindow window = new SustainedWindow(new long[] {2000, 2000});
        boolean allOut = false;
        for (long t = 0; !allOut; t += 10) {
            allOut = window.look(t * MS, new long[] {perSlot(t, 0), perSlot(t, 400)});
        }

        assertThat(window.whileEveryPartitionBusy()).isTrue();
        assertThat(window.framesPerSecond()).isCloseTo(2000, within(20.0));
        assertThat(window.closedAtNanos()).isEqualTo(2000 * MS);
        // To the last frame: the second half (2,000 frames) took from 1,200 ms to 2,400 ms, alone for the last 400.
        assertThat(window.toEndFramesPerSecond()).isCloseTo(2000 / 1.2, within(20.0));
    }

    @Test
    void evenSlotsGiveTheSameRateEitherWay() {
        SustainedWindow window = new SustainedWindow(new long[] {1500, 1500});
        boolean allOut = false;
        for (long t = 0; !allOut; t += 5) {
            allOut = window.look(t * MS, new long[] {perSlot(t, 0), perSlot(t, 0)});
        }

        assertThat(window.framesPerSecond()).isCloseTo(2000, within(20.0));
        assertThat(window.toEndFramesPerSecond()).isCloseTo(2000, within(20.0));
    }

    /** A partition drained before half was out: no window while both were busy, so the rate is taken to the end. */
    @Test
    void fallsBackToTheEndWhenAPartitionDrainedTooEarly() {
        SustainedWindow window = new SustainedWindow(new long[] {300, 2000});
        boolean allOut = false;
        for (long t = 0; !allOut; t += 10) {
            allOut = window.look(t * MS, new long[] {Math.min(300, t), Math.min(2000, t)});
        }

        assertThat(window.whileEveryPartitionBusy()).isFalse();
        assertThat(window.framesPerSecond()).isEqualTo(window.toEndFramesPerSecond());
        assertThat(window.closedAtNanos()).isEqualTo(2000 * MS);
    }

    /** Partitions that ended with other counts than expected (another partitioner): the expectation was wrong. */
    @Test
    void fallsBackToTheEndWhenPartitionsEndWithOtherCounts() {
        SustainedWindow window = new SustainedWindow(new long[] {2000, 2000});
        boolean allOut = false;
        for (long t = 0; !allOut; t += 10) {
            allOut = window.look(t * MS, new long[] {Math.min(2500, 2 * t), Math.min(1500, t)});
        }

        assertThat(window.whileEveryPartitionBusy()).isFalse();
        assertThat(window.framesPerSecond()).isEqualTo(window.toEndFramesPerSecond());
    }

    /** Frames a slot started {@code startMs} in has done at {@code t} ms, at one frame a ms, 2,000 at most. */
    private static long perSlot(long t, long startMs) {
        return Math.max(0, Math.min(2000, t - startMs));
    }
}
