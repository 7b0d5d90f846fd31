package reluflow.job.sparsity;

import org.apache.flink.api.common.functions.AggregateFunction;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.job.inference.LayerSample;

/** Folds a window's layer samples into the engine's constant-size, mergeable accumulator. */
public final class LayerSparsityAggregate implements AggregateFunction<LayerSample, SparsityAccumulator, SparsityAccumulator> {
    private static final long serialVersionUID = 1L;

    @Override
    public SparsityAccumulator createAccumulator() {
        return new SparsityAccumulator();
    }

    @Override
    public SparsityAccumulator add(LayerSample sample, SparsityAccumulator accumulator) {
        return accumulator.addFrames(sample.layer, sample.units, sample.activations, sample.zeros, sample.firedUnits);
    }

    @Override
    public SparsityAccumulator getResult(SparsityAccumulator accumulator) {
        return accumulator;
    }

    @Override
    public SparsityAccumulator merge(SparsityAccumulator a, SparsityAccumulator b) {
        return a.merge(b);
    }
}
