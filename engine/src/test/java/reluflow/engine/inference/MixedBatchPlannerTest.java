package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MixedBatchPlannerTest {
    /** Mixed batches run before counting: enough for both plans to have settled. */
    private static final int SETTLING = 2 * MixedBatchPlanner.EXPLORE_EVERY_WHEN_CLEAR;

    @Test
    void triesBothPlansThenKeepsTheFasterAndStillExploresTheOther() {
        // Merged 10% faster: close enough that the other plan is tried every EXPLORE_EVERY batches.
        int total = 10 * MixedBatchPlanner.EXPLORE_EVERY_WHEN_CLEAR;
        assertThat(mergedBatches(28_800, 32_000, total)).isEqualTo(total - total / MixedBatchPlanner.EXPLORE_EVERY);
    }

    @Test
    void exploresAClearlySlowerPlanLessOften() {
        // Merged twice as fast: once settled, the split plan is tried only every EXPLORE_EVERY_WHEN_CLEAR batches.
        int total = 10 * MixedBatchPlanner.EXPLORE_EVERY_WHEN_CLEAR;
        assertThat(mergedBatches(16_000, 32_000, total)).isEqualTo(total - 10);
    }

    @Test
    void aPlanTimedWhileTheJitWasColdIsSoonTriedAgain() {
        MixedBatchPlanner planner = new MixedBatchPlanner();
        // The first split batch ran interpreted, ten times slower than split batches run later; merged is slower.
        assertThat(planner.merge()).isFalse();
        planner.record(false, 320_000, 32);
        assertThat(planner.merge()).isTrue();
        planner.record(true, 32_000, 32);
        int batches = 0;
        while (planner.prefersMerged() && batches < 10 * MixedBatchPlanner.EXPLORE_EVERY) {
            boolean merge = planner.merge();
            planner.record(merge, merge ? 32_000 : 16_000, 32);
            batches++;
        }
        assertThat(planner.prefersMerged()).isFalse();
        assertThat(batches).isLessThanOrEqualTo(5 * MixedBatchPlanner.EXPLORE_EVERY);
    }

    @Test
    void aPauseDuringOneBatchDoesNotMakeItsPlanLookSlower() {
        MixedBatchPlanner planner = new MixedBatchPlanner();
        run(planner, 16_000, 32_000, SETTLING);
        // One merged batch held up a hundredfold (a collection or compilation pause), between ordinary ones.
        planner.record(true, 1_600_000, 32);
        assertThat(planner.prefersMerged()).isTrue();
        for (int i = 0; i < MixedBatchPlanner.EXPLORE_EVERY_WHEN_CLEAR; i++) {
            run(planner, 16_000, 32_000, 1);
            assertThat(planner.prefersMerged()).isTrue();
        }
    }

    @Test
    void followsAChangeInWhichPlanIsFaster() {
        MixedBatchPlanner planner = new MixedBatchPlanner();
        run(planner, 16_000, 32_000, SETTLING);
        assertThat(planner.prefersMerged()).isTrue();
        // Merged batches now take twice as long as split ones: within a few batches it is the split plan.
        run(planner, 64_000, 32_000, 20);
        assertThat(planner.prefersMerged()).isFalse();
        // And back, with the merged plan now the one explored, after it had settled as clearly slower.
        run(planner, 64_000, 32_000, SETTLING);
        run(planner, 16_000, 32_000, 4 * MixedBatchPlanner.EXPLORE_EVERY_WHEN_CLEAR);
        assertThat(planner.prefersMerged()).isTrue();
    }

    /** How many of {@code total} mixed batches, after {@link #SETTLING} more, run merged. */
    private static int mergedBatches(long mergedNanos, long splitNanos, int total) {
        MixedBatchPlanner planner = new MixedBatchPlanner();
        run(planner, mergedNanos, splitNanos, SETTLING);
        return run(planner, mergedNanos, splitNanos, total);
    }

    /** Runs {@code batches} mixed batches of 32 frames whose plans take the times given; returns how many ran merged. */
    private static int run(MixedBatchPlanner planner, long mergedNanos, long splitNanos, int batches) {
        int merged = 0;
        for (int i = 0; i < batches; i++) {
            boolean merge = planner.merge();
            merged += merge ? 1 : 0;
            planner.record(merge, merge ? mergedNanos : splitNanos, 32);
        }
        return merged;
    }
}
