package reluflow.engine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/** Frames for tests, encoded exactly as the data contract says (FLOAT32 little-endian). */
public final class Frames {
    private Frames() {
    }

    public static Frame floats(long id, int[] shape, float... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        data.flip();
        return frame(id, shape, TensorType.FLOAT32, data);
    }

    public static Frame uint8(long id, int[] shape, int... values) {
        ByteBuffer data = ByteBuffer.allocate(values.length);
        for (int v : values) {
            data.put((byte) v);
        }
        data.flip();
        return frame(id, shape, TensorType.UINT8, data);
    }

    public static Frame frame(long id, int[] shape, TensorType dtype, ByteBuffer data) {
        return Frame.newBuilder()
                .setSensorId("sensor-" + (id % 3))
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + id))
                .setShape(Arrays.stream(shape).boxed().toList())
                .setDtype(dtype)
                .setData(data)
                .setAttributes(Map.of())
                .build();
    }
}
