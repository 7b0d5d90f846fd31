package reluflow.engine.model;

/**
 * A ReLU-like node of the model (Relu, or Clip with min 0). It is named by its output tensor, the
 * name used in reports, metrics and JSON.
 *
 * @param name output tensor name of the node
 * @param opType "Relu" or "Clip"
 * @param producerOpType op type of the node that feeds it (e.g. Gemm, Conv), or "" for a graph input
 * @param convolutional true when the activation comes from a convolution, so units are channels (axis 1)
 */
public record ReluLayer(String name, String opType, String producerOpType, boolean convolutional) {

    /**
     * Axis of one frame's activation tensor (batch axis removed) that indexes units: channels for a
     * convolution (axis 0 of [C, H, W]), neurons for a dense layer (the last axis).
     */
    public int unitAxis(int frameRank) {
        if (frameRank <= 1) {
            return 0;
        }
        return convolutional || frameRank >= 3 ? 0 : frameRank - 1;
    }
}
