package reluflow.engine.model;

import ai.onnx.proto.OnnxMl;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ONNX Runtime returns only graph outputs, so to see a ReLU layer's activations its output tensor
 * must become a graph output. The rewritten model computes the same values; only what it returns grows.
 */
public final class ModelInstrumenter {
    private ModelInstrumenter() {
    }

    public static OnnxMl.ModelProto exposeLayers(OnnxGraph graph, List<ReluLayer> layers, int fallbackElemType) {
        OnnxMl.GraphProto.Builder builder = graph.model().getGraph().toBuilder();
        Set<String> existing = new HashSet<>();
        builder.getOutputList().forEach(o -> existing.add(o.getName()));
        for (ReluLayer layer : layers) {
            if (!existing.add(layer.name())) {
                continue;
            }
            int elemType = graph.declaredElemType(layer.name()).orElse(fallbackElemType);
            // No shape is declared: ONNX Runtime infers it, and the engine reads the real one from each result.
            builder.addOutput(OnnxMl.ValueInfoProto.newBuilder()
                    .setName(layer.name())
                    .setType(OnnxMl.TypeProto.newBuilder()
                            .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(elemType))));
        }
        return graph.model().toBuilder().setGraph(builder).build();
    }
}
