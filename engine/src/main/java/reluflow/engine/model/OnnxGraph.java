package reluflow.engine.model;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the engine needs to know of an arbitrary ONNX graph: its real inputs (initializers are not
 * inputs), its outputs, its ReLU layers and the metadata the model carries.
 */
public final class OnnxGraph {
    /** Ops that sit between a convolution and its activation without changing what a unit is. */
    private static final Set<String> PASS_THROUGH_OPS =
            Set.of("Add", "Sub", "Mul", "Div", "BatchNormalization", "InstanceNormalization", "Identity", "Dropout");
    private static final int MAX_PRODUCER_HOPS = 4;

    private final OnnxMl.ModelProto model;
    private final List<TensorSpec> inputs;
    private final List<TensorSpec> outputs;
    private final List<ReluLayer> reluLayers;
    private final Map<String, String> metadata;

    public OnnxGraph(OnnxMl.ModelProto model) {
        this.model = model;
        OnnxMl.GraphProto graph = model.getGraph();
        Set<String> initializers = new HashSet<>();
        graph.getInitializerList().forEach(t -> initializers.add(t.getName()));
        this.inputs = graph.getInputList().stream()
                .filter(i -> !initializers.contains(i.getName()))
                .map(TensorSpec::of)
                .toList();
        this.outputs = graph.getOutputList().stream().map(TensorSpec::of).toList();
        this.reluLayers = findReluLayers(graph, opsetVersion(model));
        Map<String, String> meta = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> meta.put(p.getKey(), p.getValue()));
        this.metadata = Map.copyOf(meta);
    }

    public OnnxMl.ModelProto model() {
        return model;
    }

    public List<TensorSpec> inputs() {
        return inputs;
    }

    public List<TensorSpec> outputs() {
        return outputs;
    }

    public List<ReluLayer> reluLayers() {
        return reluLayers;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Optional<TensorSpec> input(String name) {
        return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** Element type of a tensor inside the graph, where the graph declares it. */
    public Optional<Integer> declaredElemType(String tensor) {
        OnnxMl.GraphProto graph = model.getGraph();
        for (List<OnnxMl.ValueInfoProto> infos : List.of(graph.getValueInfoList(), graph.getOutputList(), graph.getInputList())) {
            for (OnnxMl.ValueInfoProto info : infos) {
                if (info.getName().equals(tensor) && info.getType().hasTensorType()) {
                    return Optional.of(info.getType().getTensorType().getElemType());
                }
            }
        }
        return Optional.empty();
    }

    static int opsetVersion(OnnxMl.ModelProto model) {
        return model.getOpsetImportList().stream()
                .filter(o -> o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx"))
                .mapToInt(o -> (int) o.getVersion())
                .findFirst()
                .orElse(1);
    }

    private static List<ReluLayer> findReluLayers(OnnxMl.GraphProto graph, int opset) {
        Map<String, OnnxMl.NodeProto> producers = new HashMap<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            node.getOutputList().forEach(o -> producers.put(o, node));
        }
        Map<String, Float> constants = scalarConstants(graph);
        List<ReluLayer> layers = new ArrayList<>();
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            boolean relu = node.getOpType().equals("Relu") && node.getDomain().isEmpty();
            boolean clipAtZero = node.getOpType().equals("Clip") && node.getDomain().isEmpty()
                    && clipMinimum(node, opset, constants).map(min -> min == 0f).orElse(false);
            if ((relu || clipAtZero) && node.getOutputCount() > 0 && node.getInputCount() > 0) {
                OnnxMl.NodeProto producer = producers.get(node.getInput(0));
                layers.add(new ReluLayer(node.getOutput(0), node.getOpType(),
                        producer == null ? "" : producer.getOpType(),
                        comesFromConvolution(node.getInput(0), producers)));
            }
        }
        return List.copyOf(layers);
    }

    private static Optional<Float> clipMinimum(OnnxMl.NodeProto clip, int opset, Map<String, Float> constants) {
        if (opset < 11) {
            return clip.getAttributeList().stream()
                    .filter(a -> a.getName().equals("min"))
                    .map(OnnxMl.AttributeProto::getF)
                    .findFirst();
        }
        if (clip.getInputCount() < 2 || clip.getInput(1).isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(constants.get(clip.getInput(1)));
    }

    private static boolean comesFromConvolution(String tensor, Map<String, OnnxMl.NodeProto> producers) {
        String current = tensor;
        for (int hop = 0; hop < MAX_PRODUCER_HOPS; hop++) {
            OnnxMl.NodeProto producer = producers.get(current);
            if (producer == null || producer.getInputCount() == 0) {
                return false;
            }
            String op = producer.getOpType();
            if (op.equals("Conv") || op.equals("ConvTranspose") || op.equals("ConvInteger") || op.equals("QLinearConv")) {
                return true;
            }
            if (!PASS_THROUGH_OPS.contains(op)) {
                return false;
            }
            current = producer.getInput(0);
        }
        return false;
    }

    /** Single-element float constants, from initializers and Constant nodes (Clip's min/max). */
    private static Map<String, Float> scalarConstants(OnnxMl.GraphProto graph) {
        Map<String, Float> constants = new HashMap<>();
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            scalarValue(t).ifPresent(v -> constants.put(t.getName(), v));
        }
        for (OnnxMl.NodeProto node : graph.getNodeList()) {
            if (node.getOpType().equals("Constant") && node.getOutputCount() == 1) {
                for (OnnxMl.AttributeProto attribute : node.getAttributeList()) {
                    if (attribute.getName().equals("value") && attribute.hasT()) {
                        scalarValue(attribute.getT()).ifPresent(v -> constants.put(node.getOutput(0), v));
                    } else if (attribute.getName().equals("value_float")) {
                        constants.put(node.getOutput(0), attribute.getF());
                    }
                }
            }
        }
        return constants;
    }

    private static Optional<Float> scalarValue(OnnxMl.TensorProto t) {
        long elements = t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (a, b) -> a * b);
        if (elements != 1) {
            return Optional.empty();
        }
        if (t.getDataType() == OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            if (t.getFloatDataCount() == 1) {
                return Optional.of(t.getFloatData(0));
            }
            if (t.getRawData().size() == 4) {
                return Optional.of(t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat());
            }
        } else if (t.getDataType() == OnnxMl.TensorProto.DataType.DOUBLE.getNumber()) {
            if (t.getDoubleDataCount() == 1) {
                return Optional.of((float) t.getDoubleData(0));
            }
            if (t.getRawData().size() == 8) {
                return Optional.of((float) t.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).getDouble());
            }
        }
        return Optional.empty();
    }
}
