package reluflow.job.source;

import java.nio.ByteBuffer;
import java.time.Instant;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;

/** Builds dead letters that keep the original key, value and Kafka coordinates. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(String topic, int partition, long offset, byte[] key, byte[] value, ErrorKind kind, String message) {
        return DeadLetter.newBuilder()
                .setSourceTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(value == null ? null : ByteBuffer.wrap(value))
                .setErrorKind(kind)
                .setErrorMessage(message)
                .setFailedAt(Instant.now())
                .build();
    }

    public static DeadLetter of(SourceRecord record, ErrorKind kind, String message) {
        return of(record.topic, record.partition, record.offset, record.key, record.value, kind, message);
    }
}
