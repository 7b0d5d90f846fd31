package reluflow.engine.decode;

import java.nio.FloatBuffer;

/**
 * A batch's decoder outputs, read in place like {@link TensorView}: for each output, the buffer ONNX Runtime
 * wrote, the distance from one frame's slice to the next (0 for an output without the batch axis, the same for
 * every frame), each frame's element count and shape. Nothing may keep it after decoding: the buffers are
 * overwritten by the next batch.
 */
public record BatchOutputs(String[] names, FloatBuffer[] data, int[] stride, int[] size, long[][] frameShapes, int frames) {

    /** The position of the named output, or -1. */
    public int indexOf(String name) {
        for (int o = 0; o < names.length; o++) {
            if (names[o].equals(name)) {
                return o;
            }
        }
        return -1;
    }

    /** One frame's slice of one output. */
    public TensorView frame(int output, int frame) {
        return new TensorView(data[output], frame * stride[output], size[output], frameShapes[output]);
    }
}
