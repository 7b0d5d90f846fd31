package reluflow.cli.replay;

import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The replay's Kafka producer: idempotent, acks=all (the producer retries transient errors itself and
 * keeps each partition's order). Every send ends as delivered or failed; none is dropped unnoticed.
 */
final class ReplayProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong delivered = new AtomicLong();
    private final SendFailures failures = new SendFailures();

    ReplayProducer(String bootstrap, String topic, long sendTimeoutMillis) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "reluflow-replay");
        int requestTimeout = (int) Math.max(1000, Math.min(30_000, sendTimeoutMillis - 5));
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(requestTimeout));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(sendTimeoutMillis, requestTimeout + 5L)));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(sendTimeoutMillis));
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends one record; {@code what} names it in failure reports. */
    void send(byte[] key, byte[] value, String what) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                if (error == null) {
                    delivered.incrementAndGet();
                } else {
                    failures.add(what, error);
                }
            });
        } catch (RuntimeException e) {
            failures.add(what, e);
        }
    }

    /** Waits until every record sent so far is delivered or failed. */
    void flush() {
        producer.flush();
    }

    long delivered() {
        return delivered.get();
    }

    SendFailures failures() {
        return failures;
    }

    @Override
    public void close() {
        producer.close();
    }
}
