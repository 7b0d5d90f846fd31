package reluflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.cli.stack.FlinkRest;
import reluflow.cli.stack.LocalStack;
import reluflow.cli.stack.StackSettings;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.demo.SyntheticFrames;

/**
 * The real thing: a Kafka broker, a JobManager and two TaskManagers, each its own process, the
 * built job jar submitted through the CLI and Flink's REST API. Every frame must come out exactly
 * once (exactly-once, read_committed) through a stop with savepoint, a rescale from 1 to 2, and a
 * cancel and resubmit on the same TaskManagers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StackJobIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path ROOT = Path.of(System.getProperty("reluflow.root", "..")).toAbsolutePath().normalize();
    private static final StackSettings SETTINGS = new StackSettings(ROOT, ROOT.resolve("integration-tests/target/it-stack"),
            2, 1, 18081, 16123, 19092, 19093);
    private static final String JOBMANAGER = "127.0.0.1:" + SETTINGS.restPort();

    private static LocalStack stack;
    private static Path model;
    private static final Set<Long> validSent = new HashSet<>();
    private static int badSent;
    private static long nextFrameId;
    private static String savepoint;
    private static String lastCheckpoint;

    @BeforeAll
    static void startStack() throws Exception {
        ItSupport.deleteRecursively(SETTINGS.runDir());
        stack = new LocalStack(SETTINGS, new PrintWriter(System.out, true));
        stack.up();
        model = SETTINGS.runDir().resolve("mlp.onnx");
        DemoModels.write(DemoModelKind.MLP, model);
    }

    @AfterAll
    static void stopStack() throws IOException {
        if (stack != null) {
            stack.down();
        }
    }

    @Test
    @Order(1)
    void theSubmittedJarServesEveryFrameOnce() throws Exception {
        String jobId = submit(1, null);
        produce(200);
        // A window closes when event time passes its end plus the allowed out-of-orderness (2 s by default): on a
        // fast machine the 200 frames span less than that, so a last frame stamped ahead moves event time on.
        produceStampedAhead(Duration.ofMillis(3_500));
        assertAllAccountedFor();
        List<SparsityReport> reports = ItSupport.consume(SETTINGS.kafkaBootstrap(), "sparsity", r -> !r.isEmpty(), WAIT).stream()
                .map(r -> ItSupport.decode(r, SparsityReport.getDecoder()::decode)).toList();
        assertThat(reports).extracting(SparsityReport::getLayer).contains("fc1_relu");
        assertThat(reports).allSatisfy(r -> assertThat(r.getFrames()).isPositive());

        String stopped = ItSupport.cli("job", "stop", jobId, "--jobmanager", JOBMANAGER);
        Matcher path = Pattern.compile("with savepoint (\\S+)").matcher(stopped);
        assertThat(path.find()).as(stopped).isTrue();
        savepoint = path.group(1);
    }

    @Test
    @Order(2)
    void resumingFromTheSavepointWithParallelismTwoLosesAndRepeatsNothing() throws Exception {
        String jobId = submit(2, savepoint);
        assertThat(new FlinkRest(JOBMANAGER).get("/jobs/" + jobId).path("vertices").get(0).path("parallelism").asInt()).isEqualTo(2);
        produce(200);
        assertAllAccountedFor();
        ItSupport.cli("job", "cancel", jobId, "--jobmanager", JOBMANAGER);
        awaitState(jobId, "CANCELED");
        lastCheckpoint = ItSupport.cli("job", "last-checkpoint", jobId, "--jobmanager", JOBMANAGER).strip();
        assertThat(lastCheckpoint).contains("/chk-");
    }

    @Test
    @Order(3)
    void aCancelledJobResubmittedOnTheSameTaskManagersRunsAgain() throws Exception {
        // Same TaskManager JVMs: ONNX Runtime, loaded parent-first from the cluster's lib/, must not be loaded twice.
        // Exactly-once across a cancel: resume from the checkpoint the cluster retained on cancellation.
        String jobId = submit(2, lastCheckpoint);
        produce(100);
        assertAllAccountedFor();
        assertThat(new FlinkRest(JOBMANAGER).get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")).isEmpty();
        for (int i = 0; i < SETTINGS.taskManagers(); i++) {
            assertThat(Files.readString(SETTINGS.logDir().resolve("taskmanager-" + i + ".log"))).doesNotContain("already loaded in another classloader");
        }
        ItSupport.cli("job", "cancel", jobId, "--jobmanager", JOBMANAGER);
    }

    private static String submit(int parallelism, String fromSavepoint) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", "--jobmanager", JOBMANAGER, "--config", ROOT.resolve("deploy/job.yaml").toString(),
                "--set", "kafka.bootstrap-servers=" + SETTINGS.kafkaBootstrap(), "--set", "model.path=" + model,
                "--set", "checkpoint.interval=1 s", "--set", "sparsity.window=1 s",
                "--set", "engine.provider=CPU", "--parallelism", Integer.toString(parallelism)));
        if (fromSavepoint != null) {
            args.addAll(List.of("--from-savepoint", fromSavepoint));
        }
        String out = ItSupport.cli(args.toArray(String[]::new));
        Matcher id = Pattern.compile("Submitted job ([0-9a-f]{32})").matcher(out);
        assertThat(id.find()).as(out).isTrue();
        awaitState(id.group(1), "RUNNING");
        return id.group(1);
    }

    private static void awaitState(String jobId, String state) throws Exception {
        FlinkRest rest = new FlinkRest(JOBMANAGER);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!rest.get("/jobs/" + jobId).path("state").asText().equals(state)) {
            assertThat(System.nanoTime()).as("job %s reaches %s", jobId, state).isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    /** Frames with fresh ids; one in 20 corrupt, one in 20 mis-shaped. */
    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SETTINGS.kafkaBootstrap());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** One valid frame whose event time lies {@code ahead} of now. */
    private static void produceStampedAhead(Duration ahead) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            long id = nextFrameId++;
            Frame frame = Frame.newBuilder(SyntheticFrames.frame(DemoModelKind.MLP, id, 9L, 4, 0, 0))
                    .setEventTime(Instant.now().plus(ahead)).build();
            producer.send(new ProducerRecord<>("frames", frame.getSensorId().getBytes(StandardCharsets.UTF_8),
                    bytes(frame.toByteBuffer()))).get();
            validSent.add(id);
        }
    }

    private static void produce(int count) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int i = 0; i < count; i++) {
                long id = nextFrameId++;
                Frame frame = Frame.newBuilder(SyntheticFrames.frame(DemoModelKind.MLP, id, 9L, 4, 0, 0))
                        .setEventTime(Instant.now()).build();
                byte[] value;
                if (id % 20 == 5) {
                    value = "corrupt".getBytes(StandardCharsets.UTF_8);
                    badSent++;
                } else if (id % 20 == 15) {
                    value = bytes(Frame.newBuilder(frame).setShape(List.of(8, 8)).build().toByteBuffer());
                    badSent++;
                } else {
                    value = bytes(frame.toByteBuffer());
                    validSent.add(id);
                }
                producer.send(new ProducerRecord<>("frames", frame.getSensorId().getBytes(StandardCharsets.UTF_8), value)).get();
            }
        }
    }

    private static void assertAllAccountedFor() {
        List<FrameDetections> detections = ItSupport.consume(SETTINGS.kafkaBootstrap(), "detections", r -> r.size() >= validSent.size(), WAIT).stream()
                .map(r -> ItSupport.decode(r, FrameDetections.getDecoder()::decode)).toList();
        assertThat(detections.stream().map(FrameDetections::getFrameId).toList()).doesNotHaveDuplicates();
        assertThat(detections.stream().map(FrameDetections::getFrameId).collect(java.util.stream.Collectors.toSet())).isEqualTo(validSent);
        List<DeadLetter> dead = ItSupport.consume(SETTINGS.kafkaBootstrap(), "dead-letters", r -> r.size() >= badSent, WAIT).stream()
                .map(r -> ItSupport.decode(r, DeadLetter.getDecoder()::decode)).toList();
        assertThat(dead).hasSize(badSent);
        assertThat(dead.stream().filter(d -> d.getErrorKind() == ErrorKind.DESERIALIZATION)).hasSize(badSent / 2);
        assertThat(dead.stream().filter(d -> d.getErrorKind() == ErrorKind.SHAPE_MISMATCH)).hasSize(badSent / 2);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.get(out);
        return out;
    }

}
