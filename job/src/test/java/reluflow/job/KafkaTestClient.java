package reluflow.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients, as any outside producer or consumer would use them. */
public final class KafkaTestClient {
    private KafkaTestClient() {
    }

    public static void produce(String bootstrap, String topic, List<byte[][]> keyValues) throws Exception {
        produce(bootstrap, topic, keyValues, new Properties());
    }

    /** extra: client properties on top, e.g. security.protocol and sasl.* for a secured listener. */
    public static void produce(String bootstrap, String topic, List<byte[][]> keyValues, Properties extra) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putAll(extra);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (byte[][] kv : keyValues) {
                sent.add(producer.send(new ProducerRecord<>(topic, kv[0], kv[1])));
            }
            producer.flush();
            // A failed send (e.g. authentication) fails the caller instead of passing unnoticed.
            for (java.util.concurrent.Future<?> future : sent) {
                future.get();
            }
        }
    }

    /** Reads a topic from the start with read_committed until the records satisfy `done` or the timeout passes. */
    public static List<ConsumerRecord<byte[], byte[]>> consumeUntil(String bootstrap, String topic,
                                                                   Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                   Duration timeout) {
        return consumeUntil(bootstrap, topic, done, timeout, new Properties());
    }

    public static List<ConsumerRecord<byte[], byte[]>> consumeUntil(String bootstrap, String topic,
                                                                   Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                                   Duration timeout, Properties extra) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + topic + "-" + System.nanoTime());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.putAll(extra);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (!done.test(records) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
