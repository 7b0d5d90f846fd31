package reluflow.engine.inference;

import java.nio.IntBuffer;
import java.util.List;
import java.util.Map;
import reluflow.engine.model.ReluLayer;

/**
 * Each ReLU layer's output of one run, by the layer's index in the engine's layer list: its values as raw
 * float bits, and its full shape; both null for a layer the run did not return as a float tensor.
 */
record LayerOutputs(IntBuffer[] bits, long[][] dims) {

    static LayerOutputs of(List<ReluLayer> layers, Map<String, IntBuffer> bitsByName, Map<String, long[]> shapesByName) {
        IntBuffer[] bits = new IntBuffer[layers.size()];
        long[][] dims = new long[layers.size()][];
        for (int l = 0; l < bits.length; l++) {
            String name = layers.get(l).name();
            bits[l] = bitsByName.get(name);
            dims[l] = bits[l] == null ? null : shapesByName.get(name);
        }
        return new LayerOutputs(bits, dims);
    }
}
