package reluflow.engine.demo;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;

/**
 * Thin layer over the ONNX protobuf builders so the two model classes read as a list of layers
 * rather than protobuf plumbing. Only what the demo graphs need is here.
 */
final class GraphBuilder {

    static final long OPSET = 17;
    static final long IR_VERSION = 8;
    static final String PRODUCER = "reluflow";

    private final GraphProto.Builder graph = GraphProto.newBuilder();

    GraphBuilder(String name, String doc) {
        graph.setName(name).setDocString(doc);
    }

    /**
     * A float graph input or output; a {@code null} entry in {@code dims} is the symbolic batch
     * dimension "N", which is what lets the engine choose its batch size at run time.
     */
    GraphBuilder input(String name, Long... dims) {
        graph.addInput(floatValueInfo(name, dims));
        return this;
    }

    GraphBuilder output(String name, Long... dims) {
        graph.addOutput(floatValueInfo(name, dims));
        return this;
    }

    GraphBuilder floats(String name, float[] values, long... dims) {
        // raw_data is little-endian by the ONNX spec, whatever the host order.
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        buf.flip();
        graph.addInitializer(tensor(name, TensorProto.DataType.FLOAT_VALUE, ByteString.copyFrom(buf), dims));
        return this;
    }

    GraphBuilder longs(String name, long[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            buf.putLong(v);
        }
        buf.flip();
        graph.addInitializer(tensor(name, TensorProto.DataType.INT64_VALUE, ByteString.copyFrom(buf), dims));
        return this;
    }

    GraphBuilder node(String op, String name, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder node = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String in : inputs) {
            node.addInput(in);
        }
        for (AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return this;
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static AttributeProto intsAttr(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    /** Wraps the graph in a model; metadata entries keep insertion order so the bytes are stable. */
    ModelProto model(String doc, Map<String, String> metadata) {
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName(PRODUCER)
                .setProducerVersion("1")
                .setDomain("io.reluflow.demo")
                .setModelVersion(1)
                .setDocString(doc)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph);
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build();
    }

    private static TensorProto tensor(String name, int type, ByteString raw, long... dims) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type).setRawData(raw);
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto floatValueInfo(String name, Long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
        for (Long d : dims) {
            shape.addDim(d == null
                    ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        TypeProto type = TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(TensorProto.DataType.FLOAT_VALUE)
                        .setShape(shape))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(type).build();
    }
}
