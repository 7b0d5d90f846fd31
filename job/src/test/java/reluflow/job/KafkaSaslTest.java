package reluflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.job.config.JobConfig;
import reluflow.kafka.KafkaBroker;

/**
 * Kafka security passes through kafka.properties.*: the job reads and writes through a
 * SASL_PLAINTEXT/PLAIN listener configured only with client properties, a wrong password is an
 * authentication error, and the JAAS configuration (with the password) is never printed.
 */
class KafkaSaslTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String USER = "reluflow";
    private static final String PASSWORD = "s3cret-Pa55word";
    private static KafkaBroker broker;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.start(KafkaBroker.Settings.defaults().withSaslPlainUser(USER, PASSWORD));
        broker.createTopics(Map.of("frames", 1, "detections", 1, "sparsity", 1, "dead-letters", 1));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties sasl(String password) {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SASL_PLAINTEXT");
        p.setProperty("sasl.mechanism", "PLAIN");
        p.setProperty("sasl.jaas.config", KafkaBroker.plainJaasConfig(USER, password));
        return p;
    }

    @Test
    void theJobReadsAndWritesThroughSaslWithOnlyClientPropertiesAndNeverPrintsThePassword() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        JobConfig config = JobTestSupport.config(model,
                "kafka.bootstrap-servers", broker.saslBootstrapServers(),
                "kafka.starting-offsets", "EARLIEST",
                "kafka.properties.security.protocol", "SASL_PLAINTEXT",
                "kafka.properties.sasl.mechanism", "PLAIN",
                "kafka.properties.sasl.jaas.config", KafkaBroker.plainJaasConfig(USER, PASSWORD),
                "delivery.guarantee", "AT_LEAST_ONCE",
                "checkpoint.interval", "1 s",
                "parallelism", "1");
        String described = config.describe();
        assertThat(described).contains("kafka.properties.sasl.jaas.config: ******", "kafka.properties.security.protocol: SASL_PLAINTEXT")
                .doesNotContain(PASSWORD);

        // Half the frames have no key: detections are keyed by sensor id all the same.
        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, 40, 9L, 4, Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), 10L);
        List<byte[][]> records = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            records.add(new byte[][] {i % 2 == 0 ? null : f.getSensorId().getBytes(StandardCharsets.UTF_8), JobTestSupport.encode(f)});
        }
        KafkaTestClient.produce(broker.saslBootstrapServers(), "frames", records, sasl(PASSWORD));

        JobClient job = ReluflowJob.start(StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration()),
                config, new KafkaPipelineIO(config));
        try {
            List<ConsumerRecord<byte[], byte[]>> out = KafkaTestClient.consumeUntil(broker.saslBootstrapServers(), "detections",
                    r -> r.size() >= frames.size(), WAIT, sasl(PASSWORD));
            assertThat(out).hasSizeGreaterThanOrEqualTo(frames.size());
            for (ConsumerRecord<byte[], byte[]> record : out) {
                FrameDetections d = FrameDetections.getDecoder().decode(record.value());
                assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(d.getSensorId().toString());
            }
            assertThat(out.stream().map(r -> decodeId(r.value())).distinct().count()).isEqualTo(frames.size());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWrongPasswordIsAnAuthenticationError() {
        assertThatThrownBy(() -> KafkaTestClient.produce(broker.saslBootstrapServers(), "frames",
                List.<byte[][]>of(new byte[][] {null, new byte[] {1}}), sasl("wrong")))
                .satisfies(e -> assertThat(org.apache.flink.util.ExceptionUtils.findThrowable(e, SaslAuthenticationException.class))
                        .hasValueSatisfying(a -> assertThat(a.getMessage())
                                .contains("Authentication failed: Invalid username or password")));
    }

    private static long decodeId(byte[] value) {
        try {
            return FrameDetections.getDecoder().decode(value).getFrameId();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
