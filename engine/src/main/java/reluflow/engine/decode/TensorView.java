package reluflow.engine.decode;

/**
 * One frame's slice of a batch output, without copying it: the batch output was copied once, in
 * bulk, from ONNX Runtime's buffer into {@code data}, so reads are plain array reads.
 */
public record TensorView(float[] data, int offset, int size, long[] frameShape) {

    public TensorView(float[] data, int offset, long[] frameShape) {
        this(data, offset, elements(frameShape), frameShape);
    }

    public float get(int index) {
        return data[offset + index];
    }

    public static int elements(long[] shape) {
        long size = 1;
        for (long d : shape) {
            size *= d;
        }
        return Math.toIntExact(size);
    }
}
