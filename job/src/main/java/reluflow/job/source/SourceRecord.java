package reluflow.job.source;

import reluflow.avro.DeadLetter;
import reluflow.avro.Frame;

/**
 * One Kafka record after decoding: a frame, or the dead letter saying why it is not one. The
 * original bytes and their place in Kafka travel with the frame, so a frame that later fails
 * validation or inference still becomes a complete dead letter. A Flink POJO.
 */
public class SourceRecord {
    /** The decoded frame, or null when decoding failed. */
    public Frame frame;
    /** Set when decoding failed. */
    public DeadLetter deadLetter;
    public String topic;
    public int partition;
    public long offset;
    public byte[] key;
    public byte[] value;

    public SourceRecord() {
    }

    public static SourceRecord ofFrame(Frame frame, String topic, int partition, long offset, byte[] key, byte[] value) {
        SourceRecord r = new SourceRecord();
        r.frame = frame;
        r.topic = topic;
        r.partition = partition;
        r.offset = offset;
        r.key = key;
        r.value = value;
        return r;
    }

    public static SourceRecord ofDeadLetter(DeadLetter deadLetter) {
        SourceRecord r = new SourceRecord();
        r.deadLetter = deadLetter;
        r.topic = deadLetter.getSourceTopic();
        r.partition = deadLetter.getPartition();
        r.offset = deadLetter.getOffset();
        return r;
    }

    public boolean isFrame() {
        return frame != null;
    }
}
