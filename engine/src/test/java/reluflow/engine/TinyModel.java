package reluflow.engine;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Hand-written ONNX graphs with hand-set weights, whose outputs and zero fractions are known by hand. */
public final class TinyModel {
    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder().setName("tiny");
    private final OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .setProducerName("reluflow-test")
            .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(17));

    public static TinyModel create() {
        return new TinyModel();
    }

    /** A float input; a negative dimension is symbolic ("N"). */
    public TinyModel input(String name, long... dims) {
        graph.addInput(valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims));
        return this;
    }

    public TinyModel uint8Input(String name, long... dims) {
        graph.addInput(valueInfo(name, OnnxMl.TensorProto.DataType.UINT8, dims));
        return this;
    }

    public TinyModel output(String name, long... dims) {
        graph.addOutput(valueInfo(name, OnnxMl.TensorProto.DataType.FLOAT, dims));
        return this;
    }

    public TinyModel weights(String name, long[] dims, float... values) {
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(name)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        for (long d : dims) {
            t.addDims(d);
        }
        for (float v : values) {
            t.addFloatData(v);
        }
        graph.addInitializer(t);
        return this;
    }

    public TinyModel scalar(String name, float value) {
        return weights(name, new long[0], value);
    }

    public TinyModel node(String op, String[] inputs, String[] outputs, OnnxMl.AttributeProto... attributes) {
        OnnxMl.NodeProto.Builder node = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(outputs[0] + "_" + op);
        for (String i : inputs) {
            node.addInput(i);
        }
        for (String o : outputs) {
            node.addOutput(o);
        }
        for (OnnxMl.AttributeProto a : attributes) {
            node.addAttribute(a);
        }
        graph.addNode(node);
        return this;
    }

    public TinyModel node(String op, String input, String output, OnnxMl.AttributeProto... attributes) {
        return node(op, new String[] {input}, new String[] {output}, attributes);
    }

    public TinyModel metadata(String key, String value) {
        model.addMetadataProps(OnnxMl.StringStringEntryProto.newBuilder().setKey(key).setValue(value));
        return this;
    }

    public static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT).setI(value).build();
    }

    public static OnnxMl.AttributeProto intsAttr(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    public byte[] bytes() {
        return model.setGraph(graph).build().toByteArray();
    }

    public Path writeTo(Path dir, String fileName) {
        try {
            Path file = dir.resolve(fileName);
            Files.write(file, bytes());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TensorProto.DataType type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0
                    ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(
                        OnnxMl.TypeProto.Tensor.newBuilder().setElemType(type.getNumber()).setShape(shape)))
                .build();
    }

    // ---- The hand-checked models used across the tests ----

    /** x[1,3] -> MatMul with W = [[1,0],[0,1],[0,0]] -> Relu -> out[1,2], exported with a fixed batch of 1. */
    public static TinyModel fixedBatchMatMulRelu() {
        return create()
                .input("x", 1, 3)
                .weights("W", new long[] {3, 2}, 1, 0, 0, 1, 0, 0)
                .node("MatMul", new String[] {"x", "W"}, new String[] {"mm"})
                .node("Relu", "mm", "out")
                .output("out", 1, 2);
    }

    /**
     * x[3] -> Gemm(W1 3x4, b1) -> Relu "hidden" -> Gemm(W2 4x2) -> "logits".
     * W1 columns: unit0 = x0, unit1 = x1, unit2 = -x0 - x1 - x2, unit3 = x2 - 100 (never fires on small inputs).
     * W2: logit0 = h0 + h2, logit1 = h1 + h3.
     */
    public static TinyModel gemmRelu() {
        return withDenseWeights()
                .node("Gemm", new String[] {"x", "W1", "b1"}, new String[] {"gemm1"})
                .node("Relu", "gemm1", "hidden")
                .node("Gemm", new String[] {"hidden", "W2"}, new String[] {"logits"})
                .output("logits", -1, 2);
    }

    /** Same function as {@link #gemmRelu()} written as MatMul + Add + Relu. */
    public static TinyModel matMulAddRelu() {
        return withDenseWeights()
                .node("MatMul", new String[] {"x", "W1"}, new String[] {"mm1"})
                .node("Add", new String[] {"mm1", "b1"}, new String[] {"pre1"})
                .node("Relu", "pre1", "hidden")
                .node("MatMul", new String[] {"hidden", "W2"}, new String[] {"logits"})
                .output("logits", -1, 2);
    }

    private static TinyModel withDenseWeights() {
        return create()
                .input("x", -1, 3)
                .weights("W1", new long[] {3, 4},
                        1, 0, -1, 0,
                        0, 1, -1, 0,
                        0, 0, -1, 1)
                .weights("b1", new long[] {4}, 0, 0, 0, -100)
                .weights("W2", new long[] {4, 2},
                        1, 0,
                        0, 1,
                        1, 0,
                        0, 1);
    }

    /**
     * image [1,2,2] -> Conv 1x1 to 3 channels (c0 = x, c1 = -x, c2 = x - 0.5) -> Relu "features" -> Flatten "scores" [12].
     */
    public static TinyModel convRelu() {
        return create()
                .input("image", -1, 1, 2, 2)
                .weights("K", new long[] {3, 1, 1, 1}, 1, -1, 1)
                .weights("B", new long[] {3}, 0, 0, -0.5f)
                .node("Conv", new String[] {"image", "K", "B"}, new String[] {"conv"}, intsAttr("kernel_shape", 1, 1))
                .node("Relu", "conv", "features")
                .node("Flatten", "features", "scores", intAttr("axis", 1))
                .output("scores", -1, 12);
    }

    /** x[4] -> Clip(0, 6) "relu6" -> output "y" (Identity). Also a Clip(-1, 1) that is not a ReLU. */
    public static TinyModel clipRelu6() {
        return create()
                .input("x", -1, 4)
                .scalar("zero", 0f)
                .scalar("six", 6f)
                .scalar("minus_one", -1f)
                .scalar("one", 1f)
                .node("Clip", new String[] {"x", "zero", "six"}, new String[] {"relu6"})
                .node("Clip", new String[] {"relu6", "minus_one", "one"}, new String[] {"y"})
                .output("y", -1, 4);
    }
}
