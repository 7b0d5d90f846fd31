package reluflow.engine.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;
import reluflow.engine.model.TensorSpec;

/**
 * Checks a frame against the model input before it reaches ONNX Runtime, so one bad frame is
 * reported with a precise reason and never fails the batch it arrived in.
 */
public final class FrameValidator {
    private final InputLayout layout;
    private final int maxFrameBytes;
    private final ThreadLocal<float[]> scratch = ThreadLocal.withInitial(() -> new float[0]);

    public FrameValidator(InputLayout layout, int maxFrameBytes) {
        this.layout = layout;
        this.maxFrameBytes = maxFrameBytes;
    }

    public Optional<FrameRejection> check(Frame frame) {
        ByteBuffer data = frame.getData();
        int bytes = data == null ? 0 : data.remaining();
        if (bytes > maxFrameBytes) {
            return reject(ErrorKind.TOO_LARGE, "frame data is " + bytes + " bytes, over the limit of " + maxFrameBytes + " bytes (max-frame-bytes)");
        }
        List<Integer> shape = frame.getShape();
        long elements = 1;
        for (int axis = 0; axis < shape.size(); axis++) {
            int dim = shape.get(axis);
            if (dim <= 0) {
                return reject(ErrorKind.SHAPE_MISMATCH, "shape " + shape + " has a non-positive dimension " + dim + " at axis " + axis);
            }
            elements *= dim;
            if (elements > maxFrameBytes) {
                return reject(ErrorKind.TOO_LARGE, "shape " + shape + " has more elements than the limit of " + maxFrameBytes + " bytes allows");
            }
        }
        long[] expected = layout.frameDims();
        if (expected != null && !matches(shape, expected)) {
            return reject(ErrorKind.SHAPE_MISMATCH, "frame shape " + shape + " does not match model input '" + layout.input().name()
                    + "' " + TensorSpec.format(layout.input().dims()) + ", which expects frames of shape " + layout.describeFrameShape());
        }
        TensorType dtype = frame.getDtype();
        if (layout.input().isUint8() && dtype != TensorType.UINT8) {
            return reject(ErrorKind.DTYPE_MISMATCH, "frame dtype " + dtype + " cannot feed model input '" + layout.input().name() + "' of type UINT8");
        }
        int elementSize = dtype == TensorType.FLOAT32 ? Float.BYTES : 1;
        long needed = elements * elementSize;
        if (bytes != needed) {
            return reject(ErrorKind.SHAPE_MISMATCH, "data has " + bytes + " bytes but shape " + shape + " of " + dtype + " needs " + needed);
        }
        if (dtype == TensorType.FLOAT32) {
            int bad = firstNonFinite(data, (int) elements);
            if (bad >= 0) {
                float v = data.duplicate().order(ByteOrder.LITTLE_ENDIAN).getFloat(data.position() + bad * Float.BYTES);
                return reject(ErrorKind.NON_FINITE, "value " + v + " at element " + bad + " is not finite");
            }
        }
        return Optional.empty();
    }

    /** Index of the first NaN or infinity, or -1: one bulk copy, then a plain loop the JIT can unroll. */
    private int firstNonFinite(ByteBuffer data, int elements) {
        float[] values = scratch.get();
        if (values.length < elements) {
            values = new float[elements];
            scratch.set(values);
        }
        data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, 0, elements);
        for (int i = 0; i < elements; i++) {
            if (!Float.isFinite(values[i])) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matches(List<Integer> shape, long[] expected) {
        if (shape.size() != expected.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] > 0 && shape.get(i) != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static Optional<FrameRejection> reject(ErrorKind kind, String message) {
        return Optional.of(new FrameRejection(kind, message));
    }
}
