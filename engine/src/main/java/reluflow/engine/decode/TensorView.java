package reluflow.engine.decode;

import java.nio.FloatBuffer;

/**
 * One frame's slice of a batch output, read in place: for pinned outputs {@code data} is the direct
 * buffer ONNX Runtime wrote into, so a decoder reads only the values it needs and nothing is copied
 * per batch (a box head's constant anchors were 3 MB per CNN batch, copied and mostly never read).
 * Reads are absolute: the buffer's position is never moved, and nothing may keep the view after
 * decode returns, since the buffer is overwritten by the next batch.
 */
public record TensorView(FloatBuffer data, int offset, int size, long[] frameShape) {

    public TensorView(FloatBuffer data, int offset, long[] frameShape) {
        this(data, offset, elements(frameShape), frameShape);
    }

    /** A view over a heap array (outputs ONNX Runtime allocated, and tests). */
    public TensorView(float[] data, int offset, long[] frameShape) {
        this(FloatBuffer.wrap(data), offset, elements(frameShape), frameShape);
    }

    public float get(int index) {
        return data.get(offset + index);
    }

    /** This frame's values copied into a new array in one bulk copy: for decoders that read every value several times. */
    public float[] toArray() {
        float[] values = new float[size];
        data.get(offset, values, 0, size);
        return values;
    }

    /** Values {@code index .. index + length - 1} of this frame, copied in bulk into the start of {@code into}. */
    public void copyTo(int index, float[] into, int length) {
        data.get(offset + index, into, 0, length);
    }

    public static int elements(long[] shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        return Math.toIntExact(size);
    }
}
