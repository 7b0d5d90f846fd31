package reluflow.job.source;

import java.util.Arrays;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import reluflow.job.config.JobConfig;

/** The Kafka source of frames, from the job configuration. */
public final class KafkaFrameSource {
    /** How often a topic pattern looks for new matching topics. */
    private static final String DISCOVERY_INTERVAL_MS = "30000";

    private KafkaFrameSource() {
    }

    public static KafkaSource<SourceRecord> create(JobConfig config) {
        KafkaSourceBuilder<SourceRecord> builder = KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setGroupId(config.groupId())
                .setStartingOffsets(startingOffsets(config))
                .setDeserializer(new FrameRecordDeserializer(config.engineConfig().maxFrameBytes()))
                .setProperty("commit.offsets.on.checkpoint", "true")
                // Frames from transactional producers count once committed; users may override below.
                .setProperty("isolation.level", "read_committed")
                .setProperties(config.kafkaProperties());
        if (config.framesTopicPattern() != null) {
            builder.setTopicPattern(Pattern.compile(config.framesTopicPattern()))
                    .setProperty("partition.discovery.interval.ms", DISCOVERY_INTERVAL_MS);
        } else {
            builder.setTopics(Arrays.stream(config.framesTopic().split(",")).map(String::strip).toList());
        }
        return builder.build();
    }

    @SuppressWarnings("deprecation")
    static OffsetsInitializer startingOffsets(JobConfig config) {
        return switch (config.startingOffsets()) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case TIMESTAMP -> OffsetsInitializer.timestamp(config.startingTimestamp());
        };
    }
}
