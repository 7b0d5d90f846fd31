package reluflow.cli.soak;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.DeadLetter;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.cli.Main;
import reluflow.cli.ProjectRoot;
import reluflow.cli.UserError;
import reluflow.cli.stack.FlinkRest;
import reluflow.cli.stack.LocalStack;
import reluflow.cli.stack.StackSettings;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.io.SingleObject;

@Command(name = "soak", mixinStandardHelpOptions = true,
        description = "A bounded soak test on a real local stack (its own run folder and ports, loopback only): frames offered "
                + "faster than the job sustains for a while, then none. Prints lag, throughput and TaskManager memory over time, "
                + "and checks that the job never failed and that every frame was processed once the load stopped.")
public final class SoakCommand implements Callable<Integer> {
    private static final String FRAMES = "frames";
    private static final String GROUP = "reluflow";

    @Option(names = "--kind", defaultValue = "cnn", description = "Demo model: cnn (compute-bound, easy to overload) or mlp (default: ${DEFAULT-VALUE}).")
    DemoModelKind kind;

    @Option(names = "--load-seconds", defaultValue = "90", description = "How long frames are offered (default: ${DEFAULT-VALUE}).")
    int loadSeconds;

    @Option(names = "--rate", defaultValue = "4000", description = "Frames offered per second (default: ${DEFAULT-VALUE}; about 2x what "
            + "one TaskManager slot sustains with the CNN on a 2-core machine: see ./reluflow bench).")
    int rate;

    @Option(names = "--drain-timeout", defaultValue = "600", description = "Seconds allowed to catch up after the load stops (default: ${DEFAULT-VALUE}).")
    int drainTimeoutSeconds;

    @Option(names = "--sample-seconds", defaultValue = "10", description = "Seconds between samples (default: ${DEFAULT-VALUE}).")
    int sampleSeconds;

    @Option(names = "--run-dir", defaultValue = ".run/soak",
            description = "Run folder of the soak's own stack, emptied at start so old topics do not count (default: ${DEFAULT-VALUE}).")
    Path runDir;

    @Option(names = "--port-offset", defaultValue = "300", description = "Added to Flink's and Kafka's usual ports, so a running "
            + "'stack up' is left alone (default: ${DEFAULT-VALUE}).")
    int portOffset;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        StackSettings settings = new StackSettings(ProjectRoot.get(), runDir.toAbsolutePath(), 1, 1,
                StackSettings.DEFAULT_REST_PORT + portOffset, StackSettings.DEFAULT_RPC_PORT + portOffset,
                StackSettings.DEFAULT_KAFKA_PORT + portOffset, StackSettings.DEFAULT_KAFKA_CONTROLLER_PORT + portOffset);
        LocalStack stack = new LocalStack(settings, out);
        // A fresh broker: frames and detections left by an earlier soak would be counted as this one's.
        stack.down();
        deleteRecursively(settings.runDir());
        try {
            stack.up();
            return soak(settings, out);
        } finally {
            stack.down();
        }
    }

    private int soak(StackSettings settings, PrintWriter out) throws Exception {
        Path model = settings.runDir().resolve(kind.name().toLowerCase() + ".onnx");
        DemoModels.write(kind, model);
        String jobManager = "127.0.0.1:" + settings.restPort();
        int submitted = Main.commandLine().execute("submit", "--jobmanager", jobManager, "--config",
                settings.projectRoot().resolve("deploy/job.yaml").toString(),
                "--set", "kafka.bootstrap-servers=" + settings.kafkaBootstrap(), "--set", "model.path=" + model,
                "--set", "checkpoint.interval=5 s", "--set", "engine.provider=CPU", "--parallelism", "1");
        if (submitted != 0) {
            throw new UserError("The soak job could not be submitted");
        }
        FlinkRest rest = new FlinkRest(jobManager);
        String jobId = rest.get("/jobs/overview").path("jobs").get(0).path("jid").asText();
        awaitRunning(rest, jobId);

        AtomicLong sent = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> offer(settings.kafkaBootstrap(), sent, stop));
        Set<Long> processed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        AtomicLong duplicates = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> read(settings.kafkaBootstrap(), processed, duplicates, done));

        List<SoakSample> samples = new ArrayList<>();
        long start = System.nanoTime();
        out.printf("%8s %10s %10s %10s %10s %9s %9s%n", "seconds", "sent", "processed", "lag", "frames/s", "TM RSS MB", "heap MB");
        long loadEnd = start + Duration.ofSeconds(loadSeconds).toNanos();
        long drainEnd = loadEnd + Duration.ofSeconds(drainTimeoutSeconds).toNanos();
        long previousProcessed = 0;
        double previousSeconds = 0;
        while (true) {
            Thread.sleep(sampleSeconds * 1000L);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (System.nanoTime() >= loadEnd && !stop.getAndSet(true)) {
                producer.get();
                out.printf("-- load stopped after %d frames; draining --%n", sent.get());
            }
            SoakSample sample = new SoakSample(seconds, sent.get(), processed.size(), lag(settings.kafkaBootstrap()),
                    rssMegabytes(settings.pidDir().resolve("taskmanager-0.pid")), heapMegabytes(rest));
            samples.add(sample);
            out.printf("%8.0f %10d %10d %10d %10.0f %9d %9d%n", seconds, sample.sent(), sample.processed(), sample.lag(),
                    (sample.processed() - previousProcessed) / (seconds - previousSeconds), sample.rssMegabytes(), sample.heapMegabytes());
            out.flush();
            previousProcessed = sample.processed();
            previousSeconds = seconds;
            String state = rest.get("/jobs/" + jobId).path("state").asText();
            if (!state.equals("RUNNING")) {
                throw new UserError("The job left RUNNING under load: " + state);
            }
            if (stop.get() && processed.size() >= sent.get()) {
                break;
            }
            if (System.nanoTime() > drainEnd) {
                throw new UserError("The job did not catch up within " + drainTimeoutSeconds + " s of the load stopping: "
                        + processed.size() + " of " + sent.get() + " frames processed");
            }
        }
        // Late duplicates, if the job made any, would arrive now: read on a little before stopping the reader.
        Thread.sleep(2000);
        done.set(true);
        reader.get();
        long restarts = rest.get("/jobs/" + jobId + "/exceptions").path("exceptionHistory").path("entries").size();
        long maxLag = samples.stream().mapToLong(SoakSample::lag).max().orElse(0);
        List<SoakSample> loaded = samples.stream().filter(s -> s.seconds() <= loadSeconds).toList();
        out.printf("Soak summary: %d frames offered at %d/s for %d s; %d processed (%d duplicates); job failures %d; max lag %d; "
                        + "TaskManager RSS %d -> %d MB (max %d)%n",
                sent.get(), rate, loadSeconds, processed.size(), duplicates.get(), restarts, maxLag,
                samples.get(0).rssMegabytes(), samples.get(samples.size() - 1).rssMegabytes(),
                samples.stream().mapToLong(SoakSample::rssMegabytes).max().orElse(0));
        boolean lagGrew = loaded.size() >= 2 && loaded.get(loaded.size() - 1).lag() > loaded.get(0).lag();
        out.println(lagGrew ? "Backpressure held: lag grew while the load exceeded what the job sustains, and drained after."
                : "The job kept up with the offered load: raise --rate to overload it.");
        return processed.size() >= sent.get() && restarts == 0 && duplicates.get() == 0 ? 0 : 1;
    }

    private void offer(String bootstrap, AtomicLong sent, AtomicBoolean stop) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            long start = System.nanoTime();
            for (long i = 0; !stop.get(); i++) {
                long due = start + i * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                Frame frame = Frame.newBuilder(SyntheticFrames.frame(kind, i, 3L, 8, 0, 0)).setEventTime(Instant.now()).build();
                producer.send(new ProducerRecord<>(FRAMES, frame.getSensorId().getBytes(StandardCharsets.UTF_8), SingleObject.encode(frame)),
                        (meta, e) -> {
                            if (e == null) {
                                sent.incrementAndGet();
                            }
                        });
            }
            producer.flush();
        }
    }

    /** Counts distinct frame ids in detections and dead letters, as a read_committed consumer sees them. */
    private static void read(String bootstrap, Set<Long> processed, AtomicLong duplicates, AtomicBoolean done) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "soak-reader-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("detections", "dead-letters"));
            while (!done.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    long id = record.topic().equals("detections")
                            ? FrameDetections.getDecoder().decode(record.value()).getFrameId()
                            : Frame.getDecoder().decode(DeadLetter.getDecoder().decode(record.value()).getValue()).getFrameId();
                    if (!processed.add(id)) {
                        duplicates.incrementAndGet();
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long lag(String bootstrap) throws ExecutionException, InterruptedException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(FRAMES)).allTopicNames().get().get(FRAMES).partitions()
                    .forEach(p -> latest.put(new TopicPartition(FRAMES, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .mapToLong(e -> e.getValue().offset() - (committed.containsKey(e.getKey()) ? committed.get(e.getKey()).offset() : 0))
                    .sum();
        }
    }

    private static long rssMegabytes(Path pidFile) throws java.io.IOException {
        String pid = Files.readString(pidFile).strip();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        return -1;
    }

    private static long heapMegabytes(FlinkRest rest) throws java.io.IOException {
        JsonNode tms = rest.get("/taskmanagers").path("taskmanagers");
        if (tms.isEmpty()) {
            return -1;
        }
        JsonNode metrics = rest.get("/taskmanagers/" + tms.get(0).path("id").asText() + "/metrics?get=Status.JVM.Memory.Heap.Used");
        return metrics.isEmpty() ? -1 : (long) (metrics.get(0).path("value").asDouble() / (1024 * 1024));
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void awaitRunning(FlinkRest rest, String jobId) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!rest.get("/jobs/" + jobId).path("state").asText().equals("RUNNING")) {
            if (System.nanoTime() > deadline) {
                throw new UserError("The soak job did not start");
            }
            Thread.sleep(200);
        }
    }
}
