package reluflow.engine.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/**
 * One frame's values into a model's input buffer, and the check that they are finite: the engine's batch assembly,
 * shared with the bench's raw loop that measures what getting frames in costs ONNX Runtime's ceiling.
 */
public final class FrameCopy {
    private FrameCopy() {
    }

    /**
     * Puts the frame's values at the buffer's position: a uint8 model's bytes as they are, float32 values in one bulk
     * copy where the platform is little-endian like the record's bytes (else value by value), and uint8 values
     * scaled to floats for a float model.
     */
    public static void put(ByteBuffer buffer, Frame frame, boolean uint8Model, float uint8Scale, float uint8Offset) {
        ByteBuffer data = frame.getData().duplicate();
        if (uint8Model || (frame.getDtype() == TensorType.FLOAT32 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN)) {
            buffer.put(data);
        } else if (frame.getDtype() == TensorType.FLOAT32) {
            data.order(ByteOrder.LITTLE_ENDIAN);
            while (data.hasRemaining()) {
                buffer.putFloat(data.getFloat());
            }
        } else {
            while (data.hasRemaining()) {
                buffer.putFloat((data.get() & 0xFF) * uint8Scale + uint8Offset);
            }
        }
    }

    /**
     * Whether the {@code elements} floats of the frame at {@code position} of an assembled float batch are all finite,
     * read through the batch's int view into {@code bits} (at least {@code elements} long) for a check the JIT
     * vectorises. Called right after the frame's copy, while it is still in the L1 cache.
     */
    public static boolean allFinite(IntBuffer floatBits, int position, int elements, int[] bits) {
        floatBits.get(position * elements, bits, 0, elements);
        return FrameValidator.allFiniteOverwriting(bits, elements);
    }
}
