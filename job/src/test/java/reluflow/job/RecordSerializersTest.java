package reluflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.avro.SparsityReport;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.job.config.JobConfig;
import reluflow.job.inference.LayerSample;
import reluflow.job.source.SourceRecord;
import reluflow.job.sparsity.LayerKey;

/**
 * Every record the pipeline moves has a Flink serializer of its own (Avro specific records, POJOs):
 * none falls back to Kryo, which is slower and breaks savepoints when a class changes. The job also
 * disables generic types, so a fallback added later fails every pipeline test at start-up.
 */
class RecordSerializersTest {
    @TempDir
    Path dir;

    @Test
    void noTypeOnAnyEdgeOrInAnyOperatorOfThePipelineIsSerializedByKryo() {
        JobConfig config = JobTestSupport.config(JobTestSupport.mlpModel(dir), "sparsity.per-sensor", "true");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ReluflowJob.configure(env, config);
        ModelIdentity model = ModelIdentity.newBuilder().setName("mlp").setVersion("1").setSha256("0".repeat(64)).build();
        ReluflowPipeline.build(env, config, model, new RecordsIO("frames", List.of()));
        StreamGraph graph = env.getStreamGraph();

        List<String> kryo = new ArrayList<>();
        int checked = 0;
        for (StreamNode node : graph.getStreamNodes()) {
            List<TypeSerializer<?>> serializers = new ArrayList<>(List.of(node.getTypeSerializersIn()));
            serializers.add(node.getTypeSerializerOut());
            serializers.add(node.getStateKeySerializer());
            for (TypeSerializer<?> serializer : serializers) {
                if (serializer != null) {
                    checked++;
                    if (serializer instanceof KryoSerializer) {
                        kryo.add(node.getOperatorName() + ": " + serializer);
                    }
                }
            }
            for (StreamEdge edge : node.getOutEdges()) {
                if (edge.getOutputTag() != null) {
                    checked++;
                    if (edge.getOutputTag().getTypeInfo() instanceof GenericTypeInfo) {
                        kryo.add(node.getOperatorName() + " side output " + edge.getOutputTag().getId());
                    }
                }
            }
        }
        assertThat(checked).as("serializers checked").isGreaterThan(10);
        assertThat(kryo).as("types serialized by Kryo").isEmpty();
        assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    }

    @Test
    void ourRecordTypesAndTheWindowAccumulatorHaveTheirOwnSerializers() {
        for (Class<?> type : List.of(SourceRecord.class, FrameDetections.class, DeadLetter.class, SparsityReport.class,
                LayerSample.class, LayerKey.class, SparsityAccumulator.class)) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isNotInstanceOf(GenericTypeInfo.class);
            assertThat(info.createSerializer(new SerializerConfigImpl())).as(type.getSimpleName()).isNotInstanceOf(KryoSerializer.class);
        }
        // The check itself: a class that is no POJO does fall back to Kryo.
        assertThat(TypeInformation.of(Thread.class)).isInstanceOf(GenericTypeInfo.class);
    }
}
