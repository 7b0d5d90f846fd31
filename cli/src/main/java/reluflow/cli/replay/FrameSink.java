package reluflow.cli.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;
import reluflow.engine.io.AvroContainerFiles;

/** Writes imported frames to a container file; frame ids count up per sensor unless the input gives one. */
final class FrameSink implements AutoCloseable {
    private final AvroContainerFiles.Writer<Frame> writer;
    private final Map<String, Long> nextId = new HashMap<>();
    private long written;

    FrameSink(Path out) throws IOException {
        if (out.toAbsolutePath().getParent() != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
        }
        this.writer = AvroContainerFiles.writer(out, Frame.class);
    }

    /** @param frameId the input's own frame id, or null for the sensor's next */
    void write(String sensor, Long frameId, Instant eventTime, List<Integer> shape, TensorType dtype, ByteBuffer data,
               Map<String, String> attributes) throws IOException {
        long id = frameId != null ? frameId : nextId.getOrDefault(sensor, 0L);
        nextId.put(sensor, Math.max(nextId.getOrDefault(sensor, 0L), id + 1));
        writer.append(Frame.newBuilder()
                .setSensorId(sensor)
                .setFrameId(id)
                .setEventTime(eventTime)
                .setShape(List.copyOf(shape))
                .setDtype(dtype)
                .setData(data)
                .setAttributes(attributes)
                .build());
        written++;
    }

    long written() {
        return written;
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}
