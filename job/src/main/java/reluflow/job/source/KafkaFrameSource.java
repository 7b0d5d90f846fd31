package reluflow.job.source;

import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
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

    /**
     * Consumer settings chosen by measurement. Flink's source hands the consumer's polls from its fetcher thread to
     * the task thread through a queue of two polls, which the connector does not let us lengthen; with Kafka's
     * default of 500 records a poll that is about 1.6 ms of the MLP's work. On two shared cores the fetcher waited
     * for a core as long as it ran (0.20-0.25 core each way, from /proc's schedstat), the queue ran dry meanwhile,
     * and the task thread was on a core only 0.70-0.74 of the time. With 2,000 records a poll the MLP pipeline at
     * parallelism 1 made 623K, 659K and 693K frames/s against 566K, 540K and 562K (three alternating pairs of
     * `./reluflow bench --models mlp`); parallelism 2, where both cores were already busy, did not change. Polls
     * still return at once with whatever has arrived, so a light stream waits no longer. Any kafka.properties.*
     * setting overrides these.
     */
    public static final Map<String, String> CONSUMER_DEFAULTS = Map.of("max.poll.records", "2000");

    private KafkaFrameSource() {
    }

    public static KafkaSource<SourceRecord> create(JobConfig config) {
        KafkaSourceBuilder<SourceRecord> builder = KafkaSource.<SourceRecord>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setGroupId(config.groupId())
                .setStartingOffsets(startingOffsets(config))
                .setDeserializer(new FrameRecordDeserializer(config.engineConfig().maxFrameBytes()))
                .setProperties(consumerProperties(config));
        if (config.framesTopicPattern() != null) {
            builder.setTopicPattern(Pattern.compile(config.framesTopicPattern()))
                    .setProperty("partition.discovery.interval.ms", DISCOVERY_INTERVAL_MS);
        } else {
            builder.setTopics(Arrays.stream(config.framesTopic().split(",")).map(String::strip).toList());
        }
        return builder.build();
    }

    /** The source's consumer properties: measured defaults and the job's own, then its kafka.properties.*. */
    static Properties consumerProperties(JobConfig config) {
        Properties consumer = new Properties();
        consumer.putAll(CONSUMER_DEFAULTS);
        consumer.setProperty("commit.offsets.on.checkpoint", "true");
        // Frames from transactional producers count once committed; users may override below.
        consumer.setProperty("isolation.level", "read_committed");
        consumer.putAll(config.kafkaProperties());
        return consumer;
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
