package reluflow.engine.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
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
    private static final int EXPONENT = 0x7F80_0000;
    private static final int EXPONENT_LOWEST_BIT = 0x0080_0000;
    private static final int[] ZEROS = new int[4096];

    public FrameValidator(InputLayout layout, int maxFrameBytes) {
        this.layout = layout;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Everything about a frame but its values: size, shape, dtype and data length. Whether float values
     * are finite is checked on the assembled batch ({@link #allFinite}), one pass for all its frames.
     */
    public Optional<FrameRejection> checkStructure(Frame frame) {
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
        return Optional.empty();
    }

    /** The structure and every value: for a frame checked on its own. */
    public Optional<FrameRejection> check(Frame frame) {
        Optional<FrameRejection> structure = checkStructure(frame);
        if (structure.isPresent() || frame.getDtype() != TensorType.FLOAT32) {
            return structure;
        }
        ByteBuffer data = frame.getData().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; data.remaining() >= Float.BYTES; i++) {
            float v = data.getFloat();
            if (!Float.isFinite(v)) {
                return Optional.of(nonFinite(i, v));
            }
        }
        return Optional.empty();
    }

    /**
     * Whether none of {@code count} float bit patterns is a NaN or an infinity (exponent bits all ones).
     * Overwrites them: each becomes 1 where non-finite and 0 elsewhere, and {@link Arrays#mismatch}, an
     * intrinsic, looks for a 1. JDK 17's C2 reduces a vectorised OR across lanes in every iteration, so an
     * OR over the values ran at about 0.15 ns a value; this map vectorises without a reduction.
     */
    public static boolean allFiniteOverwriting(int[] floatBits, int count) {
        for (int i = 0; i < count; i++) {
            // The sign bit masked off, only an all-ones exponent carries into bit 31.
            floatBits[i] = ((floatBits[i] & EXPONENT) + EXPONENT_LOWEST_BIT) >>> 31;
        }
        for (int from = 0; from < count; from += ZEROS.length) {
            int length = Math.min(ZEROS.length, count - from);
            if (Arrays.mismatch(floatBits, from, from + length, ZEROS, 0, length) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first non-finite value among the first {@code count} float bit patterns, or -1. */
    public static int firstNonFinite(int[] floatBits, int count) {
        for (int i = 0; i < count; i++) {
            if ((floatBits[i] & EXPONENT) == EXPONENT) {
                return i;
            }
        }
        return -1;
    }

    public static FrameRejection nonFinite(int element, float value) {
        return new FrameRejection(ErrorKind.NON_FINITE, "value " + value + " at element " + element + " is not finite");
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
