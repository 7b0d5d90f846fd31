package reluflow.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.engine.demo.DemoQuality;
import reluflow.engine.demo.GroundTruth;

/**
 * Reads the job's three output topics as an outside consumer would (read_committed, Avro
 * single-object values) and keeps what the demo's summary reports.
 */
final class OutputCollector implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String detectionsTopic;
    private final String sparsityTopic;
    private final DemoTraffic traffic;

    final Set<Long> detectedFrames = new HashSet<>();
    long detectionRecords;
    final List<Long> latencyMillis = new ArrayList<>();
    final Map<ErrorKind, Long> deadLetters = new EnumMap<>(ErrorKind.class);
    final List<SparsityReport> reports = new ArrayList<>();
    long labelled;
    long correct;
    long boxes;
    long boxesFound;
    long boxPredictions;
    long firstOutputAt;
    long lastOutputAt;

    OutputCollector(String bootstrap, String detectionsTopic, String sparsityTopic, String deadLetterTopic, DemoTraffic traffic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "reluflow-demo-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The job writes with Kafka transactions: only committed results are results.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.consumer.subscribe(List.of(detectionsTopic, sparsityTopic, deadLetterTopic));
        this.detectionsTopic = detectionsTopic;
        this.sparsityTopic = sparsityTopic;
        this.traffic = traffic;
    }

    long accountedFor() {
        return detectedFrames.size() + deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    long deadLetterCount() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    void poll(Duration timeout) throws IOException {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            long now = System.currentTimeMillis();
            if (firstOutputAt == 0) {
                firstOutputAt = now;
            }
            lastOutputAt = now;
            ByteBuffer value = ByteBuffer.wrap(record.value());
            if (record.topic().equals(detectionsTopic)) {
                detection(FrameDetections.getDecoder().decode(value), now);
            } else if (record.topic().equals(sparsityTopic)) {
                reports.add(SparsityReport.getDecoder().decode(value));
            } else {
                deadLetters.merge(DeadLetter.getDecoder().decode(value).getErrorKind(), 1L, Long::sum);
            }
        }
    }

    private void detection(FrameDetections d, long now) {
        detectionRecords++;
        if (!detectedFrames.add(d.getFrameId())) {
            return;
        }
        latencyMillis.add(now - d.getEventTime().toEpochMilli());
        reluflow.avro.Frame truth = traffic.frame(d.getFrameId());
        var label = GroundTruth.label(truth);
        if (label.isPresent()) {
            labelled++;
            if (!d.getDetections().isEmpty() && d.getDetections().get(0).getClassIndex() == label.getAsInt()) {
                correct++;
            }
        }
        if (truth.getAttributes().containsKey("objects")) {
            DemoQuality.Quality q = DemoQuality.boxRecall(List.of(truth), List.of(d.getDetections()), 0.5);
            boxes += q.total();
            boxesFound += q.correct();
            boxPredictions += q.predictions();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
