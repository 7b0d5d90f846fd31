package reluflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.Frame;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.job.config.JobConfig;
import reluflow.kafka.KafkaBroker;

/**
 * TLS passes through kafka.properties.* too: the broker gets an SSL listener with a key pair made
 * at test time (keytool), the job trusts it through a truststore given only as client properties,
 * the truststore password is never printed, and a client without the truststore is refused.
 */
class KafkaTlsTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String STORE_PASSWORD = "tls-St0re-pass";
    private static KafkaBroker broker;
    private static String tlsBootstrap;
    private static Path truststore;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startBrokerWithTls() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        Path certificate = dir.resolve("broker.crt");
        truststore = dir.resolve("client-trust.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", STORE_PASSWORD,
                "-rfc", "-file", certificate.toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", certificate.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);

        int plain = freePort();
        int controller = freePort();
        int tls = freePort();
        // A third listener, TLS, beside the broker's own PLAINTEXT and CONTROLLER ones.
        broker = KafkaBroker.start(KafkaBroker.Settings.defaults()
                .withBrokerPort(plain)
                .withControllerPort(controller)
                .withBrokerProperty("listeners", "PLAINTEXT://127.0.0.1:" + plain + ",CONTROLLER://127.0.0.1:" + controller
                        + ",TLS://127.0.0.1:" + tls)
                .withBrokerProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + plain + ",TLS://127.0.0.1:" + tls)
                .withBrokerProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,TLS:SSL")
                .withBrokerProperty("listener.name.tls.ssl.keystore.location", keystore.toString())
                .withBrokerProperty("listener.name.tls.ssl.keystore.password", STORE_PASSWORD)
                .withBrokerProperty("listener.name.tls.ssl.keystore.type", "PKCS12")
                .withBrokerProperty("listener.name.tls.ssl.key.password", STORE_PASSWORD));
        broker.createTopics(Map.of("frames", 1, "detections", 1, "sparsity", 1, "dead-letters", 1));
        tlsBootstrap = "127.0.0.1:" + tls;
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties tls() {
        Properties p = new Properties();
        p.setProperty("security.protocol", "SSL");
        p.setProperty("ssl.truststore.location", truststore.toString());
        p.setProperty("ssl.truststore.password", STORE_PASSWORD);
        p.setProperty("ssl.truststore.type", "PKCS12");
        return p;
    }

    @Test
    void theJobReadsAndWritesThroughTlsWithOnlyClientProperties() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        JobConfig config = JobTestSupport.config(model,
                "kafka.bootstrap-servers", tlsBootstrap,
                "kafka.starting-offsets", "EARLIEST",
                "kafka.properties.security.protocol", "SSL",
                "kafka.properties.ssl.truststore.location", truststore.toString(),
                "kafka.properties.ssl.truststore.password", STORE_PASSWORD,
                "kafka.properties.ssl.truststore.type", "PKCS12",
                "delivery.guarantee", "EXACTLY_ONCE",
                "checkpoint.interval", "1 s",
                "parallelism", "1");
        assertThat(config.describe()).contains("kafka.properties.ssl.truststore.password: ******").doesNotContain(STORE_PASSWORD);

        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, 30, 13L, 3, Instant.parse("2026-01-01T00:00:00Z").toEpochMilli(), 10L);
        List<byte[][]> records = new ArrayList<>();
        frames.forEach(f -> records.add(new byte[][] {f.getSensorId().getBytes(StandardCharsets.UTF_8), JobTestSupport.encode(f)}));
        KafkaTestClient.produce(tlsBootstrap, "frames", records, tls());

        JobClient job = ReluflowJob.start(StreamExecutionEnvironment.getExecutionEnvironment(config.flinkConfiguration()),
                config, new KafkaPipelineIO(config));
        try {
            List<ConsumerRecord<byte[], byte[]>> out = KafkaTestClient.consumeUntil(tlsBootstrap, "detections",
                    r -> r.size() >= frames.size(), WAIT, tls());
            assertThat(out).hasSize(frames.size());
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aClientThatDoesNotTrustTheBrokerIsRefused() {
        Properties untrusting = new Properties();
        untrusting.setProperty("security.protocol", "SSL");
        untrusting.setProperty("max.block.ms", "15000");
        assertThatThrownBy(() -> KafkaTestClient.produce(tlsBootstrap, "frames", List.<byte[][]>of(new byte[][] {null, new byte[] {1}}),
                untrusting))
                .satisfies(e -> assertThat(org.apache.flink.util.ExceptionUtils.findThrowable(e, SslAuthenticationException.class))
                        .as("an SSL handshake failure, not a silent hang").isPresent());
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return socket.getLocalPort();
        }
    }
}
