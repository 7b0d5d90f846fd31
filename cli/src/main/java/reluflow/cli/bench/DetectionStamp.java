package reluflow.cli.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.avro.SchemaNormalization;
import reluflow.avro.FrameDetections;

/**
 * A detection's frame id and event time, read from the first fields of its single-object bytes
 * without decoding the rest: the latency reader sees every detection, and decoding each whole
 * (model identity, detections, layer map) took CPU from the job on two cores. The writer schema's
 * fingerprint is checked, so a value of another schema is refused, not misread.
 */
final class DetectionStamp {
    private static final byte[] HEADER = header();

    private DetectionStamp() {
    }

    /** {frame id, event time in epoch millis}. */
    static long[] read(byte[] value) {
        if (value == null || value.length < FrameTemplate.SINGLE_OBJECT_HEADER
                || !Arrays.equals(value, 0, HEADER.length, HEADER, 0, HEADER.length)) {
            throw new IllegalArgumentException("not a single-object FrameDetections of this schema");
        }
        long[] sensorLength = FrameTemplate.readVarint(value, HEADER.length);
        int at = (int) sensorLength[1] + (int) FrameTemplate.zigZag(sensorLength[0]);
        long[] frameId = FrameTemplate.readVarint(value, at);
        long[] eventTime = FrameTemplate.readVarint(value, (int) frameId[1]);
        return new long[] {FrameTemplate.zigZag(frameId[0]), FrameTemplate.zigZag(eventTime[0])};
    }

    private static byte[] header() {
        ByteBuffer header = ByteBuffer.allocate(FrameTemplate.SINGLE_OBJECT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 0xC3).put((byte) 0x01);
        header.putLong(SchemaNormalization.parsingFingerprint64(FrameDetections.getClassSchema()));
        return header.array();
    }
}
