package reluflow.engine.inference;

import java.util.Arrays;
import reluflow.engine.model.TensorSpec;

/**
 * How frames map onto the model input: whether the input has a batch axis, whether that axis is
 * dynamic (true batching) or fixed at 1 (frame by frame), and what one frame's shape must be.
 */
public record InputLayout(TensorSpec input, boolean batchAxis, boolean dynamicBatch, long[] frameDims) {

    public static InputLayout of(TensorSpec input) {
        long[] dims = input.dims();
        if (dims.length >= 2 && (dims[0] < 0 || dims[0] == 1)) {
            return new InputLayout(input, true, dims[0] < 0, Arrays.copyOfRange(dims, 1, dims.length));
        }
        if (dims.length == 0) {
            // The model declares no shape: frames get a batch axis of 1 and ONNX Runtime judges the rest.
            return new InputLayout(input, true, false, null);
        }
        return new InputLayout(input, false, false, dims);
    }

    /** True when every frame dimension is fixed, so a zero frame can be made for a warm-up run. */
    public boolean staticFrameShape() {
        if (frameDims == null) {
            return false;
        }
        for (long d : frameDims) {
            if (d <= 0) {
                return false;
            }
        }
        return true;
    }

    public String describeFrameShape() {
        return frameDims == null ? "any" : TensorSpec.format(frameDims);
    }
}
