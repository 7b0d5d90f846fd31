package reluflow.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.job.config.JobConfig;
import reluflow.kafka.KafkaBroker;

/**
 * The job against a real Kafka broker (KRaft, in-process) on a MiniCluster: corrupt and mis-shaped
 * frames become dead letters with their original bytes, every valid frame gets exactly one
 * detection record, and with exactly-once a TaskManager lost mid-stream duplicates nothing for a
 * read_committed consumer.
 */
class KafkaEndToEndTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(1).build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long START = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private static KafkaBroker broker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(KafkaBroker.Settings.defaults());
        broker.createTopics(Map.of("frames", 2, "detections", 2, "sparsity", 1, "dead-letters", 1));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void everyRecordIsAccountedForExactlyOnceAcrossATaskManagerFailure(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        JobConfig config = JobTestSupport.config(model,
                "kafka.bootstrap-servers", broker.bootstrapServers(),
                "kafka.starting-offsets", "EARLIEST",
                "checkpoint.interval", "500 ms",
                "delivery.guarantee", "EXACTLY_ONCE",
                "sparsity.window", "1 s",
                "parallelism", "2",
                "flink.restart-strategy.type", "fixed-delay",
                "flink.restart-strategy.fixed-delay.attempts", "5",
                "flink.restart-strategy.fixed-delay.delay", "500 ms");

        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, 400, 3L, 4, START, 10L);
        List<byte[][]> firstHalf = new ArrayList<>();
        List<byte[][]> secondHalf = new ArrayList<>();
        Set<Long> validIds = new java.util.HashSet<>();
        List<byte[]> badValues = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame frame = frames.get(i);
            byte[] key = frame.getSensorId().getBytes(StandardCharsets.UTF_8);
            byte[] value;
            if (i % 50 == 10) {
                value = "not a frame at all".getBytes(StandardCharsets.UTF_8);
                badValues.add(value);
            } else if (i % 50 == 20) {
                value = JobTestSupport.encode(Frame.newBuilder(frame).setShape(List.of(65)).build());
                badValues.add(value);
            } else {
                value = JobTestSupport.encode(frame);
                validIds.add(frame.getFrameId());
            }
            (i < 200 ? firstHalf : secondHalf).add(new byte[][] {key, value});
        }
        // Frames a minute later move event time past every window above, so those windows close.
        List<Frame> late = SyntheticFrames.generate(DemoModelKind.MLP, 8, 4L, 4, START + 60_000, 10L).stream()
                .map(f -> Frame.newBuilder(f).setFrameId(10_000 + f.getFrameId()).build()).toList();
        late.forEach(f -> validIds.add(f.getFrameId()));

        KafkaTestClient.produce(broker.bootstrapServers(), "frames", firstHalf);
        JobClient job = ReluflowJob.start(StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration()),
                config, new KafkaPipelineIO(config));
        try {
            // Wait until some detections are committed, then lose a TaskManager mid-stream.
            KafkaTestClient.consumeUntil(broker.bootstrapServers(), "detections", r -> r.size() >= 50, WAIT);
            miniCluster.terminateTaskManager(0).get();
            miniCluster.startTaskManager();
            KafkaTestClient.produce(broker.bootstrapServers(), "frames", secondHalf);
            KafkaTestClient.produce(broker.bootstrapServers(), "frames", late.stream()
                    .map(f -> new byte[][] {f.getSensorId().getBytes(StandardCharsets.UTF_8), JobTestSupport.encode(f)}).toList());

            List<FrameDetections> detections = KafkaTestClient.consumeUntil(broker.bootstrapServers(), "detections",
                            r -> r.size() >= validIds.size(), WAIT).stream()
                    .map(r -> decode(r, FrameDetections.getDecoder()::decode)).toList();
            // Give a duplicate, if the job made one, time to show up.
            List<ConsumerRecord<byte[], byte[]>> again = KafkaTestClient.consumeUntil(broker.bootstrapServers(), "detections",
                    r -> false, Duration.ofSeconds(3));
            assertThat(again).hasSize(detections.size());
            assertThat(miniCluster.getExecutionGraph(job.getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING))
                    .as("the job really restarted after losing the TaskManager").isPositive();
            assertThat(detections).hasSize(validIds.size());
            assertThat(detections.stream().map(FrameDetections::getFrameId).collect(Collectors.toSet())).isEqualTo(validIds);

            List<DeadLetter> deadLetters = KafkaTestClient.consumeUntil(broker.bootstrapServers(), "dead-letters",
                    r -> r.size() >= badValues.size(), WAIT).stream().map(r -> decode(r, DeadLetter.getDecoder()::decode)).toList();
            assertThat(deadLetters).hasSize(badValues.size());
            assertThat(deadLetters.stream().filter(d -> d.getErrorKind() == ErrorKind.DESERIALIZATION)).hasSize(badValues.size() / 2);
            assertThat(deadLetters.stream().filter(d -> d.getErrorKind() == ErrorKind.SHAPE_MISMATCH)).hasSize(badValues.size() / 2);
            assertThat(deadLetters.stream().map(d -> ByteBuffer.wrap(bytes(d.getValue()))).collect(Collectors.toSet()))
                    .isEqualTo(badValues.stream().map(ByteBuffer::wrap).collect(Collectors.toSet()));
            assertThat(deadLetters).allSatisfy(d -> assertThat(d.getSourceTopic()).isEqualTo("frames"));

            // Each layer's windows before the late frames count every valid frame once: none twice after the failure.
            long earlyValid = validIds.stream().filter(id -> id < 10_000).count();
            List<SparsityReport> reports = KafkaTestClient.consumeUntil(broker.bootstrapServers(), "sparsity",
                            r -> framesCounted(r, "fc1_relu") >= earlyValid, WAIT).stream()
                    .map(r -> decode(r, SparsityReport.getDecoder()::decode)).toList();
            for (String layer : List.of("fc1_relu", "fc2_relu")) {
                assertThat(reports.stream().filter(r -> r.getLayer().equals(layer) && r.getWindowEnd().toEpochMilli() <= START + 60_000)
                        .mapToLong(SparsityReport::getFrames).sum()).as(layer).isEqualTo(earlyValid);
            }
        } finally {
            job.cancel().get();
        }
    }

    private static long framesCounted(List<ConsumerRecord<byte[], byte[]>> records, String layer) {
        return records.stream().map(r -> decode(r, SparsityReport.getDecoder()::decode))
                .filter(r -> r.getLayer().equals(layer) && r.getWindowEnd().toEpochMilli() <= START + 60_000)
                .mapToLong(SparsityReport::getFrames).sum();
    }

    private interface Decoder<T> {
        T decode(ByteBuffer bytes) throws java.io.IOException;
    }

    private static <T> T decode(ConsumerRecord<byte[], byte[]> record, Decoder<T> decoder) {
        try {
            return decoder.decode(ByteBuffer.wrap(record.value()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
