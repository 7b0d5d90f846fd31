package reluflow.job.sink;

import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.util.function.SerializableFunction;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.engine.io.SingleObject;
import reluflow.job.config.JobConfig;

/** The three Kafka sinks. Keys: the sensor id as UTF-8; dead letters keep the original key. */
public final class KafkaSinks {
    private KafkaSinks() {
    }

    public static KafkaSink<FrameDetections> detections(JobConfig config) {
        return sink(config, config.detectionsTopic(), "detections", d -> utf8(d.getSensorId()));
    }

    public static KafkaSink<SparsityReport> sparsity(JobConfig config) {
        // All-sensor reports are keyed by layer, so one layer's reports stay in order on one partition.
        return sink(config, config.sparsityTopic(), "sparsity", r -> utf8(r.getSensorId() != null ? r.getSensorId() : r.getLayer()));
    }

    public static KafkaSink<DeadLetter> deadLetters(JobConfig config) {
        return sink(config, config.deadLetterTopic(), "dead-letters", d -> d.getKey() == null ? null : SingleObject.bytes(d.getKey()));
    }

    private static <T extends SpecificRecordBase> KafkaSink<T> sink(JobConfig config, String topic, String name,
                                                                    SerializableFunction<T, byte[]> key) {
        Properties producer = new Properties();
        producer.setProperty("transaction.timeout.ms", Long.toString(config.transactionTimeout().toMillis()));
        producer.putAll(config.kafkaProperties());
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new AvroKafkaSerializer<>(topic, key))
                .setDeliveryGuarantee(config.delivery().guarantee())
                .setTransactionalIdPrefix(config.transactionalIdPrefix() + "-" + name)
                .build();
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}
