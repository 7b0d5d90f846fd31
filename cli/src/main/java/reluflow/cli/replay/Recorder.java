package reluflow.cli.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import reluflow.cli.UserError;
import reluflow.engine.io.AvroContainerFiles;

/**
 * Reads a topic as any consumer would ({@code read_committed}, partitions assigned, no consumer group,
 * nothing committed) and appends the decoded records to an Avro object container file.
 */
final class Recorder {
    static final int LISTED_UNDECODABLE = 20;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(30);

    /** What to record, and when to stop. */
    record Settings(String bootstrap, String topic, Path out, RecordType type, StartPosition from, Instant until,
                    Long max, boolean follow) {
    }

    /** Why recording stopped. */
    enum StopReason {
        MAX("reached --max"),
        CAUGHT_UP("caught up with the end offsets captured at start"),
        UNTIL("passed --until on every partition"),
        CAUGHT_UP_OR_UNTIL("every partition caught up with its end offset captured at start or passed --until"),
        INTERRUPTED("interrupted (Ctrl-C); the file holds everything recorded until then");

        final String text;

        StopReason(String text) {
            this.text = text;
        }
    }

    /** A value that could not be decoded, where it was, and why. */
    record Undecodable(int partition, long offset, String reason) {
    }

    /** What was recorded. */
    record Result(long written, long read, long bytes, long undecodable, List<Undecodable> listed, StopReason reason,
                  int partitions) {
    }

    private enum PartitionState { READING, CAUGHT_UP, PAST_UNTIL }

    private final Settings settings;
    private final PrintWriter progressOut;

    Recorder(Settings settings, PrintWriter progressOut) {
        this.settings = settings;
        this.progressOut = progressOut;
    }

    Result run(ShutdownSignal shutdown) throws IOException {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrap());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "reluflow-record");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            shutdown.onRequest(consumer::wakeup);
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, METADATA_TIMEOUT);
            seekToStart(consumer, partitions, end);
            return consume(consumer, partitions, end, shutdown);
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos;
        try {
            infos = consumer.partitionsFor(settings.topic(), METADATA_TIMEOUT);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new UserError("Cannot reach Kafka at " + settings.bootstrap() + " to look up topic " + settings.topic()
                    + " (" + e.getMessage() + ")");
        }
        if (infos == null || infos.isEmpty()) {
            throw new UserError("Topic " + settings.topic() + " does not exist at " + settings.bootstrap());
        }
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        partitions.sort(java.util.Comparator.comparingInt(TopicPartition::partition));
        return partitions;
    }

    private void seekToStart(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end) {
        switch (settings.from().kind()) {
            case EARLIEST -> consumer.seekToBeginning(partitions);
            case LATEST -> consumer.seekToEnd(partitions);
            case TIME -> {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(p -> query.put(p, settings.from().time().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, METADATA_TIMEOUT);
                for (TopicPartition p : partitions) {
                    OffsetAndTimestamp at = found.get(p);
                    consumer.seek(p, at != null ? at.offset() : end.get(p));
                }
            }
            default -> throw new IllegalStateException();
        }
        partitions.forEach(consumer::position);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Result consume(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Map<TopicPartition, Long> end,
                           ShutdownSignal shutdown) throws IOException {
        Map<TopicPartition, PartitionState> state = new LinkedHashMap<>();
        partitions.forEach(p -> state.put(p, PartitionState.READING));
        long written = 0;
        long read = 0;
        long bytes = 0;
        long undecodable = 0;
        List<Undecodable> listed = new ArrayList<>();
        StopReason reason = null;
        if (settings.out().toAbsolutePath().getParent() != null) {
            Files.createDirectories(settings.out().toAbsolutePath().getParent());
        }
        CounterLine progress = new CounterLine(progressOut, "Recording " + settings.topic());
        try (AvroContainerFiles.Writer writer = AvroContainerFiles.writer(settings.out(), (Class) settings.type().recordClass())) {
            markCaughtUp(consumer, state, end);
            while (reason == null) {
                if (shutdown.requested()) {
                    reason = StopReason.INTERRUPTED;
                    break;
                }
                if (!state.containsValue(PartitionState.READING)) {
                    reason = finishedReason(state.values());
                    break;
                }
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL);
                } catch (WakeupException e) {
                    reason = StopReason.INTERRUPTED;
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (state.get(tp) != PartitionState.READING) {
                        continue;
                    }
                    if (!settings.follow() && record.offset() >= end.get(tp)) {
                        finish(consumer, state, tp, PartitionState.CAUGHT_UP);
                        continue;
                    }
                    if (settings.until() != null && record.timestamp() > settings.until().toEpochMilli()) {
                        finish(consumer, state, tp, PartitionState.PAST_UNTIL);
                        continue;
                    }
                    read++;
                    bytes += (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
                    SpecificRecord decoded = null;
                    String failure;
                    if (record.value() == null) {
                        failure = "a tombstone (null value)";
                    } else {
                        try {
                            decoded = settings.type().decode(record.value());
                            failure = null;
                        } catch (Exception e) {
                            failure = "not a " + settings.type().recordClass().getSimpleName() + " (" + RecordType.describeFailure(e) + ")";
                        }
                    }
                    if (decoded != null) {
                        writer.append(decoded);
                        written++;
                    } else {
                        undecodable++;
                        if (listed.size() < LISTED_UNDECODABLE) {
                            listed.add(new Undecodable(record.partition(), record.offset(), failure));
                        }
                    }
                    if (settings.max() != null && read >= settings.max()) {
                        reason = StopReason.MAX;
                        break;
                    }
                }
                progress.update(read, bytes);
                if (reason == null) {
                    markCaughtUp(consumer, state, end);
                }
            }
        } finally {
            progress.finish(read, bytes);
        }
        return new Result(written, read, bytes, undecodable, listed, reason, partitions.size());
    }

    /** Without --follow a partition is done once its position reaches the end offset captured at start. */
    private void markCaughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, PartitionState> state, Map<TopicPartition, Long> end) {
        if (settings.follow()) {
            return;
        }
        for (Map.Entry<TopicPartition, PartitionState> e : state.entrySet()) {
            if (e.getValue() == PartitionState.READING && consumer.position(e.getKey()) >= end.get(e.getKey())) {
                finish(consumer, state, e.getKey(), PartitionState.CAUGHT_UP);
            }
        }
    }

    private static void finish(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, PartitionState> state, TopicPartition tp,
                               PartitionState how) {
        state.put(tp, how);
        consumer.pause(List.of(tp));
    }

    private static StopReason finishedReason(Collection<PartitionState> states) {
        boolean caughtUp = states.contains(PartitionState.CAUGHT_UP);
        boolean until = states.contains(PartitionState.PAST_UNTIL);
        return caughtUp && until ? StopReason.CAUGHT_UP_OR_UNTIL : until ? StopReason.UNTIL : StopReason.CAUGHT_UP;
    }
}
