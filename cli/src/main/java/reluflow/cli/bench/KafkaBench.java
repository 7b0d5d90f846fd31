package reluflow.cli.bench;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.job.KafkaPipelineIO;
import reluflow.job.ReluflowJob;
import reluflow.job.config.JobConfig;
import reluflow.job.source.KafkaFrameSource;
import reluflow.kafka.KafkaBroker;

/** Kafka alone (a pass-through ceiling) and the whole pipeline Kafka -> Flink MiniCluster -> Kafka. */
final class KafkaBench {
    static final int PARTITIONS = 2;
    /** Distinct frames whose copies (new frame id and event time) are sent. */
    private static final int POOL = 1024;
    /** The paced sender's shortest wait: frames due within it are sent together. */
    private static final long PACING_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    record KafkaCeiling(double framesPerSecond, double megabytesPerSecond, int valueBytes) {
    }

    /**
     * End-to-end latency percentiles, and the part spent before the job stamped processed_at (source,
     * batching, inference) against the part after it (sink, broker, the reader's fetch); {@code fromAppend}:
     * from the broker's append of the frame to its detection readable, which leaves the sender's queue out;
     * {@code toAppend}: from the sender's stamp to the broker's append, the part spent in the bench's own producer.
     */
    record Latency(double targetRate, double sentRate, int frames, double p50, double p95, double p99, double max,
                   double inJobP50, double inJobP99, double afterJobP50, double afterJobP99, double meanBatch, double inferenceP50,
                   double inferenceP99, double toAppendP50, double toAppendP99, double fromAppendP50, double fromAppendP99,
                   Optional<CpuShares.Cores> cpu) {
    }

    /**
     * {@code framesPerSecond}: over the {@link SustainedWindow}; {@code toEndFramesPerSecond}: from half of the
     * detections to the last, the slots' uneven start included; {@code sustainedCpu}: the cores used over the window.
     */
    record PipelineResult(double framesPerSecond, double toEndFramesPerSecond, boolean whileEveryPartitionBusy,
                          double secondsToAllIncludingStart, Optional<CpuShares.Cores> sustainedCpu,
                          Map<String, Latency> latency) {
    }

    /** Memory a run may fill, in GB: see {@link #awaitMemoryForARun}. */
    static final int MEMORY_PER_RUN_GB = 7;
    private static final int MEMORY_WAIT_SECONDS = 300;
    /** The bench's broker removes deleted logs within a second ({@link BenchCommand}); a minute means it was told otherwise. */
    private static final Duration LOG_REMOVAL_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaBroker broker;
    /** Where the bench says what it is doing: the command's error stream. */
    private final PrintWriter progress;
    private final BenchModel model;
    private final List<Frame> pool;
    /** The pool's frames pre-encoded for the paced sender, and their keys. */
    private final FrameTemplate[] templates;
    private final byte[][] keys;
    private int topics;

    KafkaBench(KafkaBroker broker, BenchModel model, PrintWriter progress) {
        this.broker = broker;
        this.progress = progress;
        this.model = model;
        this.pool = model.frames(POOL);
        this.templates = new FrameTemplate[POOL];
        this.keys = new byte[POOL][];
        for (int i = 0; i < POOL; i++) {
            templates[i] = new FrameTemplate(pool.get(i));
            keys[i] = key(pool.get(i));
        }
    }

    /**
     * A plain consumer -> producer pass-through of {@code frames} pre-loaded Avro frames, values untouched
     * (no decoding, no model): what Kafka alone allows on this machine with the same clients and broker.
     * Timed over the second half, like the pipeline, so the JIT's warm-up is left out of both.
     */
    KafkaCeiling ceiling(int frames) throws Exception {
        String in = topic("ceiling-in");
        String out = topic("ceiling-out");
        broker.createTopics(Map.of(in, PARTITIONS, out, PARTITIONS));
        return onTopics(List.of(in, out), () -> ceiling(in, out, frames));
    }

    /**
     * Runs a measurement, then deletes its topics: the bench's runs write gigabytes, and its broker may keep them in
     * memory. A failed deletion never hides the measurement's own failure.
     */
    private <T> T onTopics(List<String> topics, Callable<T> measurement) throws Exception {
        awaitMemoryForARun();
        T result;
        try {
            result = measurement.call();
        } catch (Exception | Error e) {
            try {
                broker.deleteTopics(topics);
            } catch (RuntimeException deletion) {
                e.addSuppressed(deletion);
            }
            throw e;
        }
        removeLogs(topics);
        return result;
    }

    /**
     * Deletes the topics and waits until the broker has removed their files, so that freeing them (600-800 MB of
     * tmpfs at a time) never falls inside the next run's timed part: one such removal inside a Kafka pass-through
     * measured 499K frames/s against 963K and 997K for the two after it.
     */
    private void removeLogs(List<String> topics) {
        long start = System.nanoTime();
        broker.deleteTopics(topics);
        broker.awaitLogsRemoved(topics, LOG_REMOVAL_TIMEOUT);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seconds > 2) {
            progress.printf("bench: %.1f s for the broker to remove a run's logs%n", seconds);
            progress.flush();
        }
    }

    private KafkaCeiling ceiling(String in, String out, int frames) {
        long bytes = preload(in, frames);
        collectEarlierGarbage();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(in);
             KafkaProducer<byte[], byte[]> producer = producer(5)) {
            long seen = 0;
            long start = 0;
            long timedBytes = bytes;
            long timedFrames = frames;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            AtomicReference<Exception> failed = new AtomicReference<>();
            while (seen < frames) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka pass-through: only " + seen + " of " + frames + " frames in 120 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                    if (start == 0 && seen >= frames / 2) {
                        start = System.nanoTime();
                        timedBytes = bytes * (frames - seen) / frames;
                        timedFrames = frames - seen;
                    }
                    producer.send(new ProducerRecord<>(out, r.key(), r.value()), (m, e) -> {
                        if (e != null) {
                            failed.set(e);
                        }
                    });
                    seen++;
                }
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failed.get() != null) {
                throw new IllegalStateException("Kafka pass-through: a send failed: " + failed.get().getMessage(), failed.get());
            }
            return new KafkaCeiling(timedFrames / seconds, timedBytes / seconds / 1e6, (int) (bytes / frames));
        }
    }

    /**
     * Pre-loads {@code frames} frames, starts the job from the earliest offsets at the given parallelism
     * (AT_LEAST_ONCE, so results are readable as soon as written), and times the detections as a
     * read_committed consumer sees them (the topic's end offsets), then checks each frame got exactly
     * one. The sustained rate is taken over a {@link SustainedWindow}: from half of the detections readable
     * (the first half is the job's start-up, model loading and the JIT compiling Flink's, Kafka's and our
     * code, which on two cores takes seconds of CPU beside the job) until a slot has read all of its
     * partition. Then, on the same running job,
     * frames are sent at each fraction of that rate for {@code latencySeconds} seconds, stamped with the
     * send time as event time, and the latency to a readable detection is recorded per frame.
     */
    PipelineResult pipeline(Path modelFile, int parallelism, int frames, double[] fractions, double latencySeconds,
            Map<String, String> extraSettings) throws Exception {
        String tag = "p" + parallelism;
        String framesTopic = topic("frames-" + tag);
        String detections = topic("detections-" + tag);
        String sparsity = topic("sparsity-" + tag);
        String dead = topic("dead-letters-" + tag);
        // The frames topic stamps each record with the broker's append time, returned to the latency sender: the
        // time from the frame being in Kafka to its detection being readable leaves out the sender's own queue.
        broker.createTopics(Map.of(framesTopic, PARTITIONS), Map.of("message.timestamp.type", "LogAppendTime"));
        broker.createTopics(Map.of(detections, PARTITIONS, sparsity, 1, dead, 1));
        return onTopics(List.of(framesTopic, detections, sparsity, dead), () -> pipeline(modelFile, parallelism, frames, fractions,
                latencySeconds, extraSettings, framesTopic, detections, sparsity, dead));
    }

    /**
     * The job settings every pipeline run shares: the bench's own (the batch.max-wait of 10 ms, at-least-once
     * delivery, the CPU provider), then the caller's, which win. The bench checks them with {@link JobConfig#of} before
     * it measures anything, so a bad --set stops it at once with the job's own message.
     */
    static Map<String, String> jobSettings(Path modelFile, Map<String, String> extraSettings) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("model.path", modelFile.toAbsolutePath().toString());
        settings.put("delivery.guarantee", "AT_LEAST_ONCE");
        settings.put("checkpoint.interval", "10 s");
        settings.put("batch.max-wait", "10 ms");
        settings.put("engine.provider", "CPU");
        settings.putAll(extraSettings);
        return settings;
    }

    private PipelineResult pipeline(Path modelFile, int parallelism, int frames, double[] fractions, double latencySeconds,
            Map<String, String> extraSettings, String framesTopic, String detections, String sparsity, String dead) throws Exception {
        preload(framesTopic, frames);
        collectEarlierGarbage();

        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("kafka.bootstrap-servers", broker.bootstrapServers());
        settings.put("kafka.frames-topic", framesTopic);
        settings.put("kafka.detections-topic", detections);
        settings.put("kafka.sparsity-topic", sparsity);
        settings.put("kafka.dead-letter-topic", dead);
        settings.put("kafka.starting-offsets", "EARLIEST");
        settings.put("kafka.group-id", "reluflow-bench-" + framesTopic);
        settings.put("parallelism", Integer.toString(parallelism));
        settings.putAll(jobSettings(modelFile, extraSettings));
        JobConfig config = JobConfig.of(settings);

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(detections)) {
            long submitted = System.nanoTime();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration());
            JobClient job = ReluflowJob.start(env, config, new KafkaPipelineIO(config));
            try {
                // Timed on the detections topic's read_committed end offsets, not by reading every detection: on
                // two cores a reader decoding tens of thousands of records a second would take CPU from the job.
                // The window's ends are looks: never a span shorter than one look, whatever the step between looks.
                SustainedWindow window = new SustainedWindow(expectedPerPartition(frames));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
                long written = 0;
                long nextAliveCheck = 0;
                CpuShares atHalf = null;
                CpuShares atDrain = null;
                boolean allOut = false;
                while (!allOut) {
                    // The job's status is an RPC: asked every few hundred ms, not on every 5 ms look.
                    if (System.nanoTime() >= nextAliveCheck) {
                        checkAlive(job, deadline, written, frames);
                        nextAliveCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
                    }
                    Thread.sleep(5);
                    long now = System.nanoTime();
                    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
                    long[] perPartition = new long[PARTITIONS];
                    ends.forEach((tp, end) -> perPartition[tp.partition()] = end);
                    written = Arrays.stream(perPartition).sum();
                    boolean drainedBefore = window.partitionDrained();
                    allOut = window.look(now, perPartition);
                    if (written >= window.total() / 2 && atHalf == null) {
                        atHalf = CpuShares.now();
                    }
                    if (!drainedBefore && window.partitionDrained()) {
                        atDrain = CpuShares.now();
                    }
                }
                long t100 = System.nanoTime();
                CpuShares atClose = window.whileEveryPartitionBusy() && atDrain != null ? atDrain : CpuShares.now();
                Optional<CpuShares.Cores> sustainedCpu = atHalf == null ? Optional.empty()
                        : atClose.since(atHalf, Thread.currentThread().getId(), 0);
                double sustained = window.framesPerSecond();
                double total = (t100 - submitted) / 1e9;
                // Then, untimed: every frame has its detection (nothing lost, each frame id once).
                BitSet seen = new BitSet();
                long records = 0;
                nextAliveCheck = 0;
                while (records < written) {
                    if (System.nanoTime() >= nextAliveCheck) {
                        checkAlive(job, deadline, seen.cardinality(), frames);
                        nextAliveCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        seen.set((int) FrameDetections.getDecoder().decode(ByteBuffer.wrap(r.value())).getFrameId());
                        records++;
                    }
                }
                if (seen.cardinality() != frames || records != frames) {
                    throw new IllegalStateException("pipeline: " + records + " detections for " + seen.cardinality()
                            + " distinct frames of " + frames + " sent: frames were lost or repeated");
                }

                Map<String, Latency> latency = new LinkedHashMap<>();
                long nextId = frames;
                for (double fraction : fractions) {
                    int count = (int) Math.max(50, fraction * sustained * latencySeconds);
                    latency.put(Integer.toString((int) Math.round(fraction * 100)),
                            latency(job, consumer, framesTopic, nextId, count, fraction * sustained));
                    nextId += count;
                }
                return new PipelineResult(sustained, window.toEndFramesPerSecond(), window.whileEveryPartitionBusy(), total, sustainedCpu,
                        latency);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
                waitTerminal(job);
            }
        }
    }

    private Latency latency(JobClient job, KafkaConsumer<byte[], byte[]> consumer, String framesTopic, long firstId, int count,
            double rate) throws Exception {
        long[] latencies = new long[count];
        long[] inJob = new long[count];
        long[] afterJob = new long[count];
        long[] inferenceMicros = new long[count];
        // Per frame: the broker's append time (from the send's acknowledgement) and when its detection was readable.
        long[] appendedAt = new long[count];
        // And when the sender stamped it: stamped -> appended is the time the frame spent in the bench's own producer
        // (its accumulator, waiting for the network thread and the broker), before the job could see it.
        long[] stampedAt = new long[count];
        long[] readableAt = new long[count];
        long batchSizes = 0;
        BitSet seen = new BitSet(count);
        long[] sendSpan = new long[2];
        // Here, not inside the paced phase: the arrays above are large enough to start G1's concurrent cycle on their own.
        collectEarlierGarbage();
        // Its own named thread, and a producer closed only after the CPU is counted, so the sender's share is seen.
        Optional<CpuShares.Cores> cpu;
        try (KafkaProducer<byte[], byte[]> producer = producer(1, true, CpuShares.LOAD_GENERATOR)) {
            CpuShares cpuAtStart = CpuShares.now();
            Executor generatorThread = task -> {
                Thread thread = new Thread(task, CpuShares.LOAD_GENERATOR);
                thread.setDaemon(true);
                thread.start();
            };
            CompletableFuture<Long> sending = CompletableFuture.supplyAsync(() -> {
                long start = System.nanoTime();
                sendSpan[0] = start;
                long now = start;
                for (int i = 0; i < count; i++) {
                    long due = start + (long) (i * 1e9 / rate);
                    // Paced in ticks: a frame not yet due waits for the next tick, and every frame due by then goes
                    // out at once. Parking for each frame's few microseconds cost half a core at 150K frames/s,
                    // taken from the job on the same two cores. Each frame's event_time is stamped when it is sent.
                    if (due > now) {
                        now = System.nanoTime();
                        if (due > now) {
                            LockSupport.parkNanos(Math.max(due - now, PACING_TICK_NANOS));
                            now = System.nanoTime();
                        }
                    }
                    int slot = i % POOL;
                    int frame = i;
                    long stamp = System.currentTimeMillis();
                    stampedAt[i] = stamp;
                    producer.send(new ProducerRecord<>(framesTopic, keys[slot], templates[slot].bytes(firstId + i, stamp)),
                            (metadata, e) -> {
                                if (e == null) {
                                    appendedAt[frame] = metadata.timestamp();
                                }
                            });
                }
                sendSpan[1] = System.nanoTime();
                producer.flush();
                return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            }, generatorThread);
            long deadline = System.nanoTime() + (long) ((count / rate + 60) * 1e9);
            int got = 0;
            long nextAliveCheck = 0;
            while (got < count) {
                // The job's status is an RPC through the MiniCluster's actor system: asked every few hundred ms, not on
                // every 2 ms poll (asked that often, it kept a good part of a core busy beside the job).
                if (System.nanoTime() >= nextAliveCheck) {
                    checkAlive(job, deadline, got, count);
                    nextAliveCheck = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(250);
                }
                if (sending.isCompletedExceptionally()) {
                    sending.join();
                }
                var records = consumer.poll(Duration.ofMillis(2));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    DetectionStamp.Stamp stamp = DetectionStamp.read(r.value());
                    int i = (int) (stamp.frameId() - firstId);
                    if (i >= 0 && i < count && !seen.get(i)) {
                        seen.set(i);
                        inJob[got] = stamp.processedAt() - stamp.eventTime();
                        afterJob[got] = now - stamp.processedAt();
                        inferenceMicros[got] = stamp.inferenceMicros();
                        batchSizes += stamp.batchSize();
                        readableAt[i] = now;
                        latencies[got++] = now - stamp.eventTime();
                    }
                }
            }
            long senderCpu = sending.get(60, TimeUnit.SECONDS);
            cpu = CpuShares.now().since(cpuAtStart, Thread.currentThread().getId(), senderCpu);
        }
        // Read after the sender's flush: every acknowledgement has arrived, whichever came after its detection.
        long[] fromAppend = new long[count];
        long[] toAppend = new long[count];
        int acknowledged = 0;
        for (int i = 0; i < count; i++) {
            if (appendedAt[i] > 0) {
                toAppend[acknowledged] = appendedAt[i] - stampedAt[i];
                fromAppend[acknowledged++] = readableAt[i] - appendedAt[i];
            }
        }
        fromAppend = Arrays.copyOf(fromAppend, Math.max(1, acknowledged));
        toAppend = Arrays.copyOf(toAppend, Math.max(1, acknowledged));
        Arrays.sort(fromAppend);
        Arrays.sort(toAppend);
        Arrays.sort(latencies);
        Arrays.sort(inJob);
        Arrays.sort(afterJob);
        Arrays.sort(inferenceMicros);
        double sentRate = count / Math.max(1e-9, (sendSpan[1] - sendSpan[0]) / 1e9);
        return new Latency(rate, sentRate, count, percentile(latencies, 50), percentile(latencies, 95), percentile(latencies, 99),
                latencies[count - 1], percentile(inJob, 50), percentile(inJob, 99), percentile(afterJob, 50), percentile(afterJob, 99),
                batchSizes / (double) count, percentile(inferenceMicros, 50) / 1000.0, percentile(inferenceMicros, 99) / 1000.0,
                percentile(toAppend, 50), percentile(toAppend, 99), percentile(fromAppend, 50), percentile(fromAppend, 99), cpu);
    }

    /**
     * Waits, before a run, until the machine has {@link #MEMORY_PER_RUN_GB} GB available. A run's logs are removed
     * before the next run ({@link #removeLogs}); when the broker still kept them a minute, the Crayfish-shaped model's
     * runs (about 4-5 GB of frames each, the latency phases included) left 14-19 GB of deleted logs in /dev/shm on a
     * 24 GB machine, and one full bench was killed for memory. The wait stays for memory that something else holds. It
     * happens between runs, outside every timed part, and only when memory is short: a log on disk sits in the page
     * cache, which counts as available.
     */
    private void awaitMemoryForARun() throws InterruptedException {
        long needed = (long) MEMORY_PER_RUN_GB << 30;
        long available = BenchCommand.availableMemoryBytes();
        if (available == 0 || available >= needed) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(MEMORY_WAIT_SECONDS);
        while (available < needed) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format("only %.1f GB of memory available after waiting %d s for the broker to "
                        + "delete earlier runs' logs; a run needs %d GB: free memory, or keep the broker's log on disk (--broker-dir)",
                        available / (double) (1L << 30), MEMORY_WAIT_SECONDS, MEMORY_PER_RUN_GB));
            }
            Thread.sleep(200);
            available = BenchCommand.availableMemoryBytes();
        }
        progress.printf("bench: waited %.1f s for the broker to delete earlier runs' logs (%d GB of memory available again)%n",
                (System.nanoTime() - start) / 1e9, MEMORY_PER_RUN_GB);
        progress.flush();
    }

    /**
     * A full collection between phases, outside the timed part. Each phase closes clients whose pooled 256 KB batch
     * buffers had reached the old generation, and a finished job leaves its own; a TaskManager's long-lived producers
     * make none of that. Left there, the garbage started G1's concurrent cycle at the first large allocation of a
     * later phase: in one MLP latency phase, 311 ms of marking on one of the two cores and young pauses of 14-18 ms,
     * while the frames' p99 rose from 30 ms to 300 ms and took 1.5 s to come back.
     */
    private static void collectEarlierGarbage() {
        System.gc();
    }

    static double percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }

    private static void checkAlive(JobClient job, long deadline, long have, long want) throws Exception {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("pipeline: only " + have + " of " + want + " detections before the time limit");
        }
        JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
        if (status.isGloballyTerminalState()) {
            throw new IllegalStateException("pipeline: the job ended (" + status + ") with " + have + " of " + want + " detections");
        }
    }

    private static void waitTerminal(JobClient job) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (System.nanoTime() < deadline && !job.getJobStatus().get(5, TimeUnit.SECONDS).isGloballyTerminalState()) {
                Thread.sleep(50);
            }
        } catch (Exception e) {
            // the MiniCluster is gone once the job ended: nothing left to wait for
        }
    }

    /**
     * Detections each output partition gets from {@code count} pre-loaded frames: the producer's default
     * partitioner, which the job's sink also uses, puts a record by the murmur2 hash of its key (the sensor id).
     */
    private long[] expectedPerPartition(int count) {
        long[] expected = new long[PARTITIONS];
        for (int i = 0; i < count; i++) {
            expected[Utils.toPositive(Utils.murmur2(keys[i % POOL])) % PARTITIONS]++;
        }
        return expected;
    }

    /** Sends {@code count} frames (copies of the pool with their own frame ids) and returns the value bytes sent. */
    private long preload(String topic, int count) {
        long bytes = 0;
        // Not idempotent: on a starved shared machine an idempotent producer's retries can fail the whole load
        // (OutOfOrderSequence); a duplicate frame id is harmless, the pipeline counts distinct frame ids.
        try (KafkaProducer<byte[], byte[]> producer = producer(5, false, null)) {
            AtomicReference<Exception> failed = new AtomicReference<>();
            for (int i = 0; i < count; i++) {
                int slot = i % POOL;
                byte[] value = templates[slot].bytes(i, System.currentTimeMillis());
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, keys[slot], value), (m, e) -> {
                    if (e != null) {
                        failed.set(e);
                    }
                });
            }
            producer.flush();
            if (failed.get() != null) {
                throw new IllegalStateException("pre-loading frames failed: " + failed.get().getMessage(), failed.get());
            }
        }
        return bytes;
    }

    private String topic(String base) {
        return "bench-" + model.name + "-" + base + "-" + (topics++);
    }

    private static byte[] key(Frame frame) {
        return frame.getSensorId().getBytes(StandardCharsets.UTF_8);
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs) {
        return producer(lingerMs, true, null);
    }

    private KafkaProducer<byte[], byte[]> producer(int lingerMs, boolean idempotent, String clientId) {
        Properties props = new Properties();
        if (clientId != null) {
            props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        }
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, idempotent ? "all" : "1");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, Boolean.toString(idempotent));
        props.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Assigned (no group protocol), from the beginning, read_committed like any consumer of the job's outputs. */
    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "5");
        // Polls as large as the job's source takes, so the pass-through ceiling reads like the job.
        props.putAll(KafkaFrameSource.CONSUMER_DEFAULTS);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }
}
