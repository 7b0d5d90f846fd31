package reluflow.engine.sparsity;

import java.util.List;

/** A layer's sparsity over a set of frames (a window, a file). */
public record SparsitySummary(
        String layer,
        long frames,
        int units,
        long activationsPerFrame,
        double mean,
        double min,
        double max,
        double p50,
        double p95,
        int deadUnits,
        List<Integer> deadUnitIndices) {
}
