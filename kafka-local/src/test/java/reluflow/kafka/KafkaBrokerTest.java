package reluflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts a real single-node KRaft broker in this JVM and talks to it with plain kafka-clients. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaBrokerTest {

    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        long t0 = System.nanoTime();
        broker = KafkaBroker.start(KafkaBroker.Settings.defaults());
        System.out.printf("KafkaBrokerTest: broker %s started in %d ms%n", broker.bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            long t0 = System.nanoTime();
            broker.close();
            System.out.printf("KafkaBrokerTest: broker stopped in %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    @Test
    void bindsToLoopbackOnFreePorts() {
        assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+")
                .isEqualTo("127.0.0.1:" + broker.brokerPort());
        assertThat(broker.controllerPort()).isPositive().isNotEqualTo(broker.brokerPort());
        assertThat(broker.dataDir()).isDirectory();
    }

    @Test
    void createsTopicsIdempotentlyAndProducesAndConsumes() throws Exception {
        broker.createTopics(Map.of("plain", 2));
        broker.createTopics(Map.of("plain", 2, "plain-other", 1)); // existing topic is fine

        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("plain", "plain-other");
            assertThat(admin.describeTopics(List.of("plain")).allTopicNames().get()
                    .get("plain").partitions()).hasSize(2);
        }

        try (KafkaProducer<String, String> producer = producer(new Properties())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>("plain", "k" + i, "v" + i)).get();
            }
        }
        List<String> values = consume("plain", "read_uncommitted", 10, r -> false);
        assertThat(values).containsExactlyInAnyOrder(
                "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void createsTopicsWithTheirConfigs() throws Exception {
        broker.createTopics(Map.of("appended", 1), Map.of("message.timestamp.type", "LogAppendTime"));

        long sentWithTimestamp = 1_000L;
        RecordMetadata metadata;
        try (KafkaProducer<String, String> producer = producer(new Properties())) {
            metadata = producer.send(new ProducerRecord<>("appended", 0, sentWithTimestamp, "k", "v")).get();
        }
        // The broker replaced the producer's timestamp with its own append time, and the acknowledgement carries it.
        assertThat(metadata.timestamp()).isGreaterThan(sentWithTimestamp);
        try (Admin admin = admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "appended");
            assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("message.timestamp.type").value())
                    .isEqualTo("LogAppendTime");
        }
    }

    @Test
    void deletesTopicsAndSkipsOnesThatDoNotExist() throws Exception {
        broker.createTopics(Map.of("doomed-1", 2, "doomed-2", 1, "kept", 1));

        broker.deleteTopics(List.of("doomed-1", "doomed-2", "never-created"));

        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).contains("kept").doesNotContain("doomed-1", "doomed-2");
        }
        // The name is free again: a bench run reuses nothing, but a user's script may.
        broker.createTopics(Map.of("doomed-1", 1));
        try (Admin admin = admin()) {
            assertThat(admin.describeTopics(List.of("doomed-1")).allTopicNames().get().get("doomed-1").partitions()).hasSize(1);
        }
    }

    @Test
    void awaitsTheRemovalOfDeletedTopicsLogs() throws Exception {
        // Kafka's log manager starts removing deleted logs log.initial.task.delay.ms after start-up (default: 30 s).
        try (KafkaBroker quick = KafkaBroker.start(KafkaBroker.Settings.defaults()
                .withBrokerProperty("log.segment.delete.delay.ms", "100")
                .withBrokerProperty("log.initial.task.delay.ms", "0"))) {
            quick.createTopics(Map.of("removed", 2, "removed-kept", 1));
            Properties p = new Properties();
            p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, quick.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("removed", 1, "k", "v")).get();
            }
            assertThat(quick.logDirectoriesOf(List.of("removed"))).hasSize(2);

            quick.deleteTopics(List.of("removed"));
            quick.awaitLogsRemoved(List.of("removed"), Duration.ofSeconds(10));

            assertThat(quick.logDirectoriesOf(List.of("removed"))).isEmpty();
            // A topic whose name starts with the deleted one's is not the deleted one's.
            assertThat(quick.logDirectoriesOf(List.of("removed-kept"))).hasSize(1);
        }
    }

    @Test
    void waitingForLogsKafkaKeepsAMinuteFailsNamingTheSetting() {
        broker.createTopics(Map.of("lingering", 1));
        broker.deleteTopics(List.of("lingering"));

        // Kafka's default log.segment.delete.delay.ms keeps the renamed directory for a minute.
        assertThatThrownBy(() -> broker.awaitLogsRemoved(List.of("lingering"), Duration.ofMillis(500)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lingering-0.")
                .hasMessageContaining("log.segment.delete.delay.ms");
    }

    @Test
    void recognisesPartitionDirectoriesLiveAndDeleted() {
        List<String> topics = List.of("in.frames-1");
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-1-0", topics)).isTrue();
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-1-12.4d2b0e8f1a9c4b7e9f0a1b2c3d4e5f60-delete", topics)).isTrue();
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-1-x", topics)).isFalse();
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-1-0-0", topics)).isFalse();
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-1-0.4d2b0e8f-future", topics)).isFalse();
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-10", topics)).isFalse();
        assertThat(KafkaBroker.isPartitionDirectoryOf("in.frames-1-", topics)).isFalse();
    }

    @Test
    void everyPropertyTheBrokerIsGivenIsOneKafkaReads() {
        Properties props = KafkaBroker.brokerProperties(KafkaBroker.Settings.defaults().withSaslPlainUser("u", "p"),
                Path.of("/tmp/unused"), 1, 2, 3);

        assertThat(props.stringPropertyNames())
                .filteredOn(name -> !name.startsWith("listener.name."))
                .isNotEmpty()
                .allSatisfy(name -> assertThat(kafka.server.KafkaConfig.configDef().names()).contains(name));
    }

    @Test
    void refusesATopicConfigGivenAsABrokerPropertyNamingTheBrokersOne() {
        // Kafka itself would ignore it without a word and keep its one-minute default.
        assertThatThrownBy(() -> KafkaBroker.Settings.defaults().withBrokerProperty("file.delete.delay.ms", "0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'file.delete.delay.ms' is a topic config")
                .hasMessageContaining("'log.segment.delete.delay.ms'");
        // Broker configs, per-listener ones and plugins' own (here the standard authorizer's) are accepted.
        KafkaBroker.Settings.defaults()
                .withBrokerProperty("log.segment.delete.delay.ms", "0")
                .withBrokerProperty("listener.name.tls.ssl.keystore.type", "PKCS12")
                .withBrokerProperty("super.users", "User:admin");
    }

    @Test
    void transactionsCommitAndAbort() throws Exception {
        broker.createTopics(Map.of("tx", 1));
        Properties p = new Properties();
        p.setProperty(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reluflow-test-tx");
        // Flink's exactly-once KafkaSink asks for a one-hour transaction timeout.
        p.setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TimeUnit.HOURS.toMillis(1)));
        try (KafkaProducer<String, String> producer = producer(p)) {
            producer.initTransactions();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "a", "committed-1"));
            producer.send(new ProducerRecord<>("tx", "b", "committed-2"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "x", "aborted")).get();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>("tx", "c", "committed-3"));
            producer.commitTransaction();
        }

        // read_committed stops at the last stable offset: once committed-3 arrives, anything
        // before it (the aborted record included) has been filtered already.
        List<String> committed = consume("tx", "read_committed", 3, r -> r.value().equals("committed-3"));
        assertThat(committed).containsExactly("committed-1", "committed-2", "committed-3");

        // The aborted record really is in the log: read_uncommitted sees it.
        List<String> all = consume("tx", "read_uncommitted", 4, r -> r.value().equals("committed-3"));
        assertThat(all).containsExactly("committed-1", "committed-2", "aborted", "committed-3");
    }

    @Test
    void takenBrokerPortGivesClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> KafkaBroker.start(KafkaBroker.Settings.defaults().withBrokerPort(port)))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageStartingWith("port " + port + " on 127.0.0.1 is already in use: ")
                    .hasMessageContaining("choose another with --port")
                    .satisfies(e -> assertThat(((PortInUseException) e).port()).isEqualTo(port));
        }
    }

    @Test
    void takenControllerPortGivesClearError() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> KafkaBroker.start(KafkaBroker.Settings.defaults().withControllerPort(port)))
                    .isInstanceOf(PortInUseException.class)
                    .hasMessageStartingWith("port " + port + " on 127.0.0.1 is already in use: ")
                    .hasMessageContaining("--controller-port");
        }
        // The running broker's own port is taken too.
        assertThatThrownBy(() -> KafkaBroker.start(
                KafkaBroker.Settings.defaults().withBrokerPort(broker.brokerPort())))
                .isInstanceOf(PortInUseException.class)
                .hasMessageStartingWith("port " + broker.brokerPort() + " on 127.0.0.1 is already in use");
    }

    @Test
    void closeDeletesTheTempDataDir() {
        KafkaBroker second = KafkaBroker.start(KafkaBroker.Settings.defaults());
        Path dir = second.dataDir();
        assertThat(dir.resolve("logs").resolve("meta.properties")).isRegularFile();
        second.close();
        assertThat(dir).doesNotExist();
        second.close(); // idempotent
        assertThatThrownBy(() -> second.createTopics(Map.of("late", 1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void givenDataDirIsKeptAndReused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("kafka-data");
        try (KafkaBroker first = KafkaBroker.start(KafkaBroker.Settings.defaults().withDataDir(dir))) {
            first.createTopics(Map.of("kept", 3));
        }
        assertThat(dir.resolve("logs").resolve("meta.properties")).isRegularFile();

        try (KafkaBroker again = KafkaBroker.start(KafkaBroker.Settings.defaults().withDataDir(dir));
             Admin admin = admin(again.bootstrapServers())) {
            assertThat(admin.listTopics().names().get()).contains("kept");
        }
        assertThat(Files.isDirectory(dir)).isTrue();
    }

    // ----------------------------------------------------------------------------------------

    private static Admin admin() {
        return admin(broker.bootstrapServers());
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }

    private static KafkaProducer<String, String> producer(Properties extra) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.putAll(extra);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Consumes from the start with a fresh group until {@code expected} records or {@code last} is seen. */
    private static List<String> consume(String topic, String isolation, int expected,
                                        Predicate<ConsumerRecord<String, String>> last) {
        Properties p = new Properties();
        p.setProperty(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.setProperty(ConsumerConfig.GROUP_ID_CONFIG, "g-" + topic + "-" + isolation + "-" + System.nanoTime());
        p.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            boolean sawLast = false;
            while (System.nanoTime() < deadline && !sawLast && values.size() < expected) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                    sawLast |= last.test(r);
                }
            }
            // One more short poll: nothing beyond what we expect may show up.
            consumer.poll(Duration.ofMillis(300)).forEach(r -> values.add(r.value()));
        }
        return values;
    }
}
