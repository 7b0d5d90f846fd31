package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MixedBatchPlannerTest {

    @Test
    void triesBothPlansThenKeepsTheFasterAndStillExploresTheOther() {
        MixedBatchPlanner planner = new MixedBatchPlanner();
        assertThat(planner.merge()).as("first: split").isFalse();
        planner.record(false, 32_000, 32);
        assertThat(planner.merge()).as("then: merged").isTrue();
        planner.record(true, 16_000, 32);
        int merged = 0;
        int total = 10 * MixedBatchPlanner.EXPLORE_EVERY;
        for (int i = 0; i < total; i++) {
            boolean merge = planner.merge();
            merged += merge ? 1 : 0;
            planner.record(merge, merge ? 16_000 : 32_000, 32);
        }
        assertThat(merged).isEqualTo(total - total / MixedBatchPlanner.EXPLORE_EVERY);
    }

    @Test
    void followsAChangeInWhichPlanIsFaster() {
        MixedBatchPlanner planner = new MixedBatchPlanner();
        for (int i = 0; i < 100; i++) {
            boolean merge = planner.merge();
            planner.record(merge, merge ? 16_000 : 32_000, 32);
        }
        assertThat(planner.prefersMerged()).isTrue();
        for (int i = 0; i < 40 * MixedBatchPlanner.EXPLORE_EVERY; i++) {
            boolean merge = planner.merge();
            planner.record(merge, merge ? 64_000 : 32_000, 32);
        }
        assertThat(planner.prefersMerged()).isFalse();
    }
}
