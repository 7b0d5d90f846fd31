package reluflow.engine.decode;

import java.nio.FloatBuffer;

/** One frame's slice of a batch output, without copying it. */
public record TensorView(FloatBuffer data, int offset, long[] frameShape) {

    public float get(int index) {
        return data.get(offset + index);
    }

    public int size() {
        long size = 1;
        for (long d : frameShape) {
            size *= d;
        }
        return (int) size;
    }
}
