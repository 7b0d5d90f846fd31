package reluflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import reluflow.avro.DeadLetter;
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
 * Faults on the real stack while frames stream in: a TaskManager killed (-9), the Kafka broker stopped and
 * started again, the JobManager killed (-9). Each test runs a freshly submitted job on its own topics, with a
 * background producer that keeps sending through the fault, and then checks with a read_committed consumer
 * that every frame the producer got acknowledged came out: once for exactly-once, at least once otherwise.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Path ROOT = Path.of(System.getProperty("reluflow.root", "..")).toAbsolutePath().normalize();
    /** Own run folder and ports, so this class can run beside StackJobIT or a developer's stack. */
    private static final StackSettings SETTINGS = new StackSettings(ROOT, ROOT.resolve("integration-tests/target/faults-stack"),
            2, 1, 18181, 16223, 19192, 19193);
    private static final String JOBMANAGER = "127.0.0.1:" + SETTINGS.restPort();
    private static final String LAYER = "fc1_relu";
    private static final int FRAMES_PER_SECOND = 50;
    /** Event time advances 20 ms a frame (50 frames in each 1 s window); the closing frames ten minutes later, past any stream this test runs. */
    private static final long SPACING_MS = 1000 / FRAMES_PER_SECOND;
    private static final long CLOSING_OFFSET_MS = 600_000;
    private static final long CLOSING_ID_BASE = 1_000_000;

    private static LocalStack stack;
    private static Path model;
    private String jobId;
    private FrameStream stream;

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

    /** A failed test must not leave its job holding the slots the next test needs, nor its producer running. */
    @AfterEach
    void cleanUp() {
        if (stream != null) {
            stream.close();
        }
        if (jobId != null) {
            try {
                new FlinkRest(JOBMANAGER).patch("/jobs/" + jobId + "?mode=cancel");
                awaitState(jobId, "CANCELED", Duration.ofSeconds(30));
            } catch (Exception | AssertionError e) {
                System.out.println("Could not cancel job " + jobId + " after the test: " + e.getMessage());
            }
        }
    }

    @Test
    @Order(1)
    void aKilledTaskManagerLosesAndRepeatsNothingWithExactlyOnce() throws Exception {
        killATaskManagerMidStream("tm-eo", "EXACTLY_ONCE");
    }

    @Test
    @Order(2)
    void aKilledTaskManagerLosesNothingWithAtLeastOnce() throws Exception {
        killATaskManagerMidStream("tm-alo", "AT_LEAST_ONCE");
    }

    @Test
    @Order(3)
    void theJobRidesOutAKafkaOutage() throws Exception {
        Topics topics = Topics.create("kafka-outage");
        jobId = submit(topics, "EXACTLY_ONCE", null);
        stream = FrameStream.start(topics.frames());
        awaitDetections(topics, 100);

        Timeline time = new Timeline();
        stack.kill("kafka", false);
        // Long enough for the job's producers and the source to notice, short of any Kafka or Flink timeout.
        Thread.sleep(5_000);
        stack.up();
        time.recovered = System.nanoTime();
        awaitFrameSentAfter(topics, stream.nextId(), time);

        Figures figures = finish(topics, true);
        figures.failures = failuresSince(jobId, time);
        figures.print("Kafka broker stopped (SIGTERM) for 5 s, then started again", time);
    }

    @Test
    @Order(4)
    void afterAJobManagerCrashTheJobResumesFromItsLastRetainedCheckpoint() throws Exception {
        Topics topics = Topics.create("jm-crash");
        String crashed = submit(topics, "EXACTLY_ONCE", null);
        jobId = crashed;
        stream = FrameStream.start(topics.frames());
        awaitDetections(topics, 100);
        Map<String, Long> taskManagers = taskManagerPids();

        Timeline time = new Timeline();
        stack.kill("jobmanager", true);
        jobId = null;
        // No HA: the new JobManager knows nothing of the job; the TaskManagers are still the old processes.
        stack.up();
        time.clusterBack = System.nanoTime();
        assertThat(taskManagerPids()).as("up() after a JobManager crash leaves the TaskManagers' processes as they were")
                .isEqualTo(taskManagers);
        assertThat(jobStateOrMissing(crashed)).as("the crashed JobManager's job on the new JobManager (no HA)").isEqualTo("missing");

        Path checkpoints = SETTINGS.runDir().resolve("checkpoints");
        String checkpoint = ItSupport.cli("job", "last-checkpoint", crashed, "--dir", checkpoints.toString()).strip();
        assertThat(checkpoint).as("the latest retained checkpoint on disk").contains(crashed + "/chk-");
        assertThat(Path.of(checkpoint).resolve("_metadata")).isRegularFile();
        jobId = submit(topics, "EXACTLY_ONCE", checkpoint);
        time.recovered = System.nanoTime();
        awaitFrameSentAfter(topics, stream.nextId(), time);

        Figures figures = finish(topics, true);
        figures.checkpoint = checkpoint;
        figures.print("JobManager killed (-9); new JobManager, resubmitted from " + Path.of(checkpoint).getFileName(), time);
    }

    /** Kills one of the two TaskManagers (each holds one of the job's two slots) while frames stream in. */
    private void killATaskManagerMidStream(String name, String delivery) throws Exception {
        Topics topics = Topics.create(name);
        jobId = submit(topics, delivery, null);
        stream = FrameStream.start(topics.frames());
        awaitDetections(topics, 100);

        Timeline time = new Timeline();
        stack.kill("taskmanager-1", true);
        // Starts a replacement TaskManager (a new JVM, a new resource id) and waits for its slot.
        stack.up();
        time.clusterBack = System.nanoTime();
        awaitFrameSentAfter(topics, stream.nextId(), time);

        Figures figures = finish(topics, delivery.equals("EXACTLY_ONCE"));
        figures.failures = failuresSince(jobId, time);
        figures.print("TaskManager killed (-9), replacement started, " + delivery, time);
        assertThat(figures.failures).as("the job's failures (restarts) after losing a TaskManager").isNotEmpty();
    }

    /**
     * Stops the stream, sends the frames that close the windows, and checks every acknowledged frame came out
     * (exactly once when {@code exactlyOnce}); returns the figures.
     */
    private Figures finish(Topics topics, boolean exactlyOnce) throws Exception {
        stream.stopAndFlush();
        stream.sendClosingFrames();
        stream.close();
        assertThat(stream.errors).as("send errors of the test's own producer").isEmpty();
        assertThat(stream.acked()).as("frames acknowledged by Kafka == frames sent").isEqualTo(stream.sent.get());
        assertThat(stream.streamedIds().size()).as("the stream stays within the minute before the closing frames")
                .isLessThan((int) (CLOSING_OFFSET_MS / SPACING_MS));

        Figures figures = new Figures();
        figures.sent = stream.sent.get();
        figures.validSent = stream.valid.size();
        figures.badSent = stream.bad.size();
        Set<Long> valid = Set.copyOf(stream.valid);
        List<Long> detected = ItSupport.consume(SETTINGS.kafkaBootstrap(), topics.detections(), r -> distinctIds(r).containsAll(valid), WAIT).stream()
                .map(r -> ItSupport.decode(r, FrameDetections.getDecoder()::decode).getFrameId()).toList();
        figures.detections = detected.size();
        figures.duplicates = detected.size() - Set.copyOf(detected).size();
        Set<Long> missing = new TreeSet<>(valid);
        missing.removeAll(detected);
        assertThat(missing).as("valid frames sent and acknowledged but without a detection (read_committed)").isEmpty();
        assertThat(Set.copyOf(detected)).as("detections of frames never sent").isEqualTo(valid);

        List<DeadLetter> dead = ItSupport.consume(SETTINGS.kafkaBootstrap(), topics.deadLetters(), r -> r.size() >= stream.bad.size(), WAIT).stream()
                .map(r -> ItSupport.decode(r, DeadLetter.getDecoder()::decode)).toList();
        figures.deadLetters = dead.size();
        long distinctDead = dead.stream().map(d -> d.getPartition() + "@" + d.getOffset()).distinct().count();
        figures.duplicates += dead.size() - distinctDead;
        assertThat(distinctDead).as("bad frames with a dead letter (distinct source offsets)").isEqualTo(stream.bad.size());

        long windowed = stream.streamedIds().stream().filter(valid::contains).count();
        figures.windowedFrames = windowed;
        figures.sparsityFrames = framesInClosedWindows(topics, windowed);
        if (exactlyOnce) {
            assertThat(figures.duplicates).as("duplicate detections or dead letters with exactly-once").isZero();
            assertThat(figures.sparsityFrames).as("frames counted by the %s reports (all sensors) of the windows the closing frames closed",
                    LAYER).isEqualTo(windowed);
        }
        return figures;
    }

    /** Sum of `frames` over the all-sensor reports of one layer whose windows end before the closing frames. */
    private long framesInClosedWindows(Topics topics, long expected) {
        Predicate<List<ConsumerRecord<byte[], byte[]>>> allCounted = r -> closedWindowReports(r).mapToLong(SparsityReport::getFrames).sum() >= expected;
        return closedWindowReports(ItSupport.consume(SETTINGS.kafkaBootstrap(), topics.sparsity(), allCounted, WAIT)).mapToLong(SparsityReport::getFrames).sum();
    }

    private java.util.stream.Stream<SparsityReport> closedWindowReports(List<ConsumerRecord<byte[], byte[]>> records) {
        long closing = stream.start + CLOSING_OFFSET_MS;
        return records.stream().map(r -> ItSupport.decode(r, SparsityReport.getDecoder()::decode))
                .filter(r -> r.getLayer().equals(LAYER) && r.getSensorId() == null && r.getWindowEnd().toEpochMilli() <= closing);
    }

    /** Waits until the job has committed output: it runs and its checkpoints complete. */
    private void awaitDetections(Topics topics, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = ItSupport.consume(SETTINGS.kafkaBootstrap(), topics.detections(), r -> r.size() >= count || !stream.errors.isEmpty(), WAIT);
        assertThat(stream.errors).as("errors of the test's own producer").isEmpty();
        assertThat(records.size()).as("detections committed before the fault (is the job running and checkpointing?)")
                .isGreaterThanOrEqualTo(count);
    }

    /** Waits for the detection of a frame sent after the fault: the pipeline is back, end to end. */
    private static void awaitFrameSentAfter(Topics topics, long firstIdAfterFault, Timeline time) {
        List<ConsumerRecord<byte[], byte[]>> records = ItSupport.consume(SETTINGS.kafkaBootstrap(), topics.detections(),
                r -> r.stream().anyMatch(d -> frameId(d) >= firstIdAfterFault), Duration.ofSeconds(150));
        assertThat(records.stream().anyMatch(d -> frameId(d) >= firstIdAfterFault))
                .as("a detection of a frame sent after the recovery (id >= %d) within 150 s", firstIdAfterFault).isTrue();
        time.flowing = System.nanoTime();
    }

    private static long frameId(ConsumerRecord<byte[], byte[]> record) {
        return ItSupport.decode(record, FrameDetections.getDecoder()::decode).getFrameId();
    }

    private static Set<Long> distinctIds(List<ConsumerRecord<byte[], byte[]>> records) {
        return records.stream().map(FaultsIT::frameId).collect(Collectors.toSet());
    }

    private static String submit(Topics topics, String delivery, String fromCheckpoint) throws Exception {
        List<String> args = new ArrayList<>(List.of("submit", "--jobmanager", JOBMANAGER, "--config", ROOT.resolve("deploy/job.yaml").toString(),
                "--set", "kafka.bootstrap-servers=" + SETTINGS.kafkaBootstrap(), "--set", "model.path=" + model,
                "--set", "kafka.frames-topic=" + topics.frames(), "--set", "kafka.detections-topic=" + topics.detections(),
                "--set", "kafka.sparsity-topic=" + topics.sparsity(), "--set", "kafka.dead-letter-topic=" + topics.deadLetters(),
                // Per test: a group and transactional ids of their own; the resumed job keeps its predecessor's.
                "--set", "kafka.group-id=" + topics.name(), "--set", "kafka.transactional-id-prefix=" + topics.name(),
                "--set", "kafka.starting-offsets=EARLIEST", "--set", "delivery.guarantee=" + delivery,
                "--set", "checkpoint.interval=1 s", "--set", "sparsity.window=1 s",
                // Longer than any outage here (a broker stopped 5 s and restarted takes ~10 s): with the default 10 s a
                // partition could be marked idle during it, and the one that resumed second then had its frames late
                // for their sparsity windows (detections are unaffected), which the exact window counts below refuse.
                "--set", "watermark.idleness=120 s",
                "--set", "engine.provider=CPU", "--parallelism", "2"));
        if (fromCheckpoint != null) {
            args.addAll(List.of("--from-savepoint", fromCheckpoint));
        }
        String out = ItSupport.cli(args.toArray(String[]::new));
        Matcher id = Pattern.compile("Submitted job ([0-9a-f]{32})").matcher(out);
        assertThat(id.find()).as(out).isTrue();
        awaitState(id.group(1), "RUNNING", WAIT);
        return id.group(1);
    }

    private static void awaitState(String jobId, String state, Duration timeout) throws Exception {
        FlinkRest rest = new FlinkRest(JOBMANAGER);
        long deadline = System.nanoTime() + timeout.toNanos();
        String now;
        while (!(now = rest.get("/jobs/" + jobId).path("state").asText()).equals(state)) {
            if (System.nanoTime() > deadline) {
                fail("job %s did not reach %s within %d s; it is %s", jobId, state, timeout.toSeconds(), now);
            }
            Thread.sleep(200);
        }
    }

    /** The job's state on the JobManager now answering, or "missing" when it does not know the job. */
    private static String jobStateOrMissing(String jobId) throws IOException {
        try {
            return new FlinkRest(JOBMANAGER).get("/jobs/" + jobId).path("state").asText();
        } catch (IOException e) {
            if (e.getMessage().contains("answered 404")) {
                return "missing";
            }
            throw e;
        }
    }

    /**
     * The job's failures since the fault, from its exception history (every failure that made it restart is there;
     * the numRestarts metric is not used because the REST API serves metrics up to 10 s stale).
     */
    private static List<String> failuresSince(String jobId, Timeline time) throws IOException {
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : new FlinkRest(JOBMANAGER).get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries")) {
            if (entry.path("timestamp").asLong() >= time.faultMillis) {
                failures.add(entry.path("exceptionName").asText());
            }
        }
        return failures;
    }

    /** TaskManager name to pid, from the run folder's pid files (what the stack itself goes by). */
    private static Map<String, Long> taskManagerPids() throws IOException {
        Map<String, Long> pids = new java.util.TreeMap<>();
        for (int i = 0; i < SETTINGS.taskManagers(); i++) {
            pids.put("taskmanager-" + i, Long.parseLong(Files.readString(SETTINGS.pidDir().resolve("taskmanager-" + i + ".pid")).strip()));
        }
        return pids;
    }

    /** One test's topics (frames 2 partitions, detections 2, sparsity and dead letters 1), created fresh. */
    private record Topics(String name) {
        static Topics create(String name) throws Exception {
            Topics topics = new Topics("faults-" + name);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SETTINGS.kafkaBootstrap()))) {
                admin.createTopics(List.of(new NewTopic(topics.frames(), 2, (short) 1), new NewTopic(topics.detections(), 2, (short) 1),
                        new NewTopic(topics.sparsity(), 1, (short) 1), new NewTopic(topics.deadLetters(), 1, (short) 1)))
                        .all().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            return topics;
        }

        String frames() {
            return name + "-frames";
        }

        String detections() {
            return name + "-detections";
        }

        String sparsity() {
            return name + "-sparsity";
        }

        String deadLetters() {
            return name + "-dead-letters";
        }
    }

    /**
     * The background producer: frames at a steady rate with fresh ids (one in 20 corrupt, one in 20 mis-shaped),
     * event time 20 ms apart from the stream's start. Idempotent, acks=all, retries without limit for three
     * minutes and blocks rather than drops, so a broker outage delays frames but loses or repeats none. Only
     * frames Kafka acknowledged count as sent.
     */
    private static final class FrameStream implements AutoCloseable {
        final long start = Instant.now().toEpochMilli();
        final Set<Long> valid = ConcurrentHashMap.newKeySet();
        final Set<Long> bad = ConcurrentHashMap.newKeySet();
        final List<Exception> errors = new CopyOnWriteArrayList<>();
        final AtomicLong sent = new AtomicLong();
        private final AtomicLong nextId = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final String topic;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Thread thread;

        private FrameStream(String topic) {
            this.topic = topic;
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SETTINGS.kafkaBootstrap());
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.RETRIES_CONFIG, Integer.toString(Integer.MAX_VALUE));
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "180000");
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
            producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
            // Encode one frame here: every class the thread needs is loaded now, and a failure shows in the test itself.
            reluflow.engine.io.SingleObject.encode(SyntheticFrames.frame(DemoModelKind.MLP, 0, 9L, 4, start, SPACING_MS));
            thread = new Thread(this::run, "faults-it-frames");
            thread.setDaemon(true);
        }

        static FrameStream start(String topic) {
            FrameStream stream = new FrameStream(topic);
            stream.thread.start();
            return stream;
        }

        long nextId() {
            return nextId.get();
        }

        long acked() {
            return valid.size() + bad.size();
        }

        private void run() {
            try {
                long next = System.nanoTime();
                while (running.get()) {
                    long id = nextId.getAndIncrement();
                    send(id, SyntheticFrames.frame(DemoModelKind.MLP, id, 9L, 4, start, SPACING_MS), id % 20 == 5, id % 20 == 15);
                    next += 1_000_000_000L / FRAMES_PER_SECOND;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(sleep);
                    }
                }
            } catch (RuntimeException | Error e) {
                // Seen by the waits below, which then stop waiting for frames that will never come.
                errors.add(new IllegalStateException("the frame producer thread died", e));
            }
        }

        private void send(long id, Frame frame, boolean corrupt, boolean misShaped) {
            byte[] value = corrupt ? "corrupt".getBytes(StandardCharsets.UTF_8)
                    : reluflow.engine.io.SingleObject.encode(misShaped ? Frame.newBuilder(frame).setShape(List.of(8, 8)).build() : frame);
            boolean isBad = corrupt || misShaped;
            sent.incrementAndGet();
            producer.send(new ProducerRecord<>(topic, frame.getSensorId().getBytes(StandardCharsets.UTF_8), value), (metadata, error) -> {
                if (error != null) {
                    errors.add(error);
                } else {
                    (isBad ? bad : valid).add(id);
                }
            });
        }

        /** Stops the stream and waits until Kafka acknowledged (or refused) everything sent. */
        void stopAndFlush() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            producer.flush();
        }

        /** Frames ten minutes later in event time, one per sensor, move every partition's watermark past the stream's windows. */
        void sendClosingFrames() {
            for (int sensor = 0; sensor < 8; sensor++) {
                long id = CLOSING_ID_BASE + sensor;
                Frame frame = Frame.newBuilder(SyntheticFrames.frame(DemoModelKind.MLP, sensor, 10L, 8, start + CLOSING_OFFSET_MS, 0))
                        .setFrameId(id).build();
                send(id, frame, false, false);
            }
            producer.flush();
        }

        /** Ids sent before the closing frames. */
        Set<Long> streamedIds() {
            Set<Long> ids = new TreeSet<>(valid);
            ids.addAll(bad);
            ids.removeIf(id -> id >= CLOSING_ID_BASE);
            return ids;
        }

        @Override
        public void close() {
            running.set(false);
            producer.close(Duration.ofSeconds(10));
        }
    }

    /** When the fault happened, when the cluster was whole again, when a job was resubmitted, when output flowed again. */
    private static final class Timeline {
        final long fault = System.nanoTime();
        final long faultMillis = System.currentTimeMillis();
        long clusterBack;
        long recovered;
        long flowing;

        String describe() {
            StringBuilder out = new StringBuilder();
            if (clusterBack > 0) {
                out.append(String.format("cluster whole again after %.1f s, ", seconds(clusterBack)));
            }
            if (recovered > 0) {
                out.append(String.format("recovery step done after %.1f s, ", seconds(recovered)));
            }
            return out.append(String.format("first detection of a frame sent after that at %.1f s", seconds(flowing))).toString();
        }

        private double seconds(long at) {
            return (at - fault) / 1e9;
        }
    }

    /** What each test prints for the notes. */
    private static final class Figures {
        long sent;
        long validSent;
        long badSent;
        long detections;
        long deadLetters;
        long duplicates;
        long windowedFrames;
        long sparsityFrames;
        List<String> failures;
        String checkpoint;

        void print(String fault, Timeline time) {
            System.out.printf("%n[FaultsIT] %s%n  frames sent (acknowledged) %d: %d valid, %d bad%n  detections %d, dead letters %d, "
                            + "duplicates %d%n  %s frames in closed windows: %d counted by the sparsity reports, %d valid frames sent%n"
                            + "  %s%s%s%n%n", fault, sent, validSent, badSent, detections, deadLetters, duplicates, LAYER, sparsityFrames,
                    windowedFrames, time.describe(), failures != null ? ", job failures (restarts) " + failures.size() + " " + failures : "",
                    checkpoint != null ? ", resumed from " + checkpoint : "");
        }
    }

}
