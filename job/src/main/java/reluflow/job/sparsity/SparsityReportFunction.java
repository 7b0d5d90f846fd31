package reluflow.job.sparsity;

import java.time.Instant;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import reluflow.avro.ModelIdentity;
import reluflow.avro.SparsityReport;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.engine.sparsity.SparsitySummary;

/** Turns a window's aggregate into a SparsityReport, stamped with the window and the model. */
public final class SparsityReportFunction
        extends ProcessWindowFunction<SparsityAccumulator, SparsityReport, LayerKey, TimeWindow> {
    private static final long serialVersionUID = 1L;

    private final ModelIdentity model;

    public SparsityReportFunction(ModelIdentity model) {
        this.model = model;
    }

    @Override
    public void process(LayerKey key, Context context, Iterable<SparsityAccumulator> aggregates, Collector<SparsityReport> out) {
        for (SparsityAccumulator aggregate : aggregates) {
            SparsitySummary s = aggregate.summary();
            out.collect(SparsityReport.newBuilder()
                    .setModel(model)
                    .setLayer(key.layer)
                    .setWindowStart(Instant.ofEpochMilli(context.window().getStart()))
                    .setWindowEnd(Instant.ofEpochMilli(context.window().getEnd()))
                    .setFrames(s.frames())
                    .setUnits(s.units())
                    .setActivationsPerFrame(s.activationsPerFrame())
                    .setMean(s.mean())
                    .setMin(s.min())
                    .setMax(s.max())
                    .setP50(s.p50())
                    .setP95(s.p95())
                    .setDeadUnits(s.deadUnits())
                    .setDeadUnitIndices(s.deadUnitIndices())
                    .setSensorId(key.sensorId)
                    .build());
        }
    }
}
