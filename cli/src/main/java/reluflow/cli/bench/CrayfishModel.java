package reluflow.cli.bench;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/**
 * A dense ReLU classifier shaped like the feed-forward network of the Flink + ONNX Runtime study
 * "Crayfish" (EDBT 2024): 784 inputs (a flattened 28x28 image), about 28K parameters, dense ReLU
 * layers, 10 classes. Weights are random but fixed (a seeded He initialisation): the model measures
 * speed, not accuracy. Kept here rather than as a demo kind: the demo kinds come with ground truth,
 * a quality test and a place in the demo's accounting, none of which a speed model has.
 */
final class CrayfishModel {
    static final String INPUT = "pixels";
    static final String OUTPUT = "logits";
    static final int INPUTS = 784;
    /** 784->35->16->10: 27,440+35 + 560+16 + 160+10 = 28,221 parameters. */
    static final int[] LAYERS = {INPUTS, 35, 16, 10};
    /** Scoring throughput the study reports for this model, per Flink scoring slot (frames/s). */
    static final double STUDY_FRAMES_PER_SECOND_PER_SLOT = 1_100;
    private static final long SEED = 0xC4A7F15L;

    private CrayfishModel() {
    }

    static long parameters() {
        long p = 0;
        for (int i = 1; i < LAYERS.length; i++) {
            p += (long) LAYERS[i - 1] * LAYERS[i] + LAYERS[i];
        }
        return p;
    }

    static byte[] build() {
        Random random = new Random(SEED);
        GraphProto.Builder g = GraphProto.newBuilder().setName("reluflow_bench_crayfish")
                .setDocString("Crayfish-shaped FFNN: 784 -> 35 -> 16 -> 10, Gemm+Relu layers, random fixed weights.");
        g.addInput(valueInfo(INPUT, INPUTS));
        g.addOutput(valueInfo(OUTPUT, LAYERS[LAYERS.length - 1]));
        String x = INPUT;
        for (int l = 1; l < LAYERS.length; l++) {
            int in = LAYERS[l - 1];
            int out = LAYERS[l];
            float[] w = new float[out * in];
            double std = Math.sqrt(2.0 / in);
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (std * random.nextGaussian());
            }
            float[] b = new float[out];
            for (int i = 0; i < out; i++) {
                b[i] = (float) (0.05 * random.nextGaussian());
            }
            g.addInitializer(floats("fc" + l + ".weight", w, out, in));
            g.addInitializer(floats("fc" + l + ".bias", b, out));
            boolean last = l == LAYERS.length - 1;
            String gemm = last ? OUTPUT : "fc" + l + "_gemm";
            g.addNode(NodeProto.newBuilder().setOpType("Gemm").setName("fc" + l + "/Gemm")
                    .addInput(x).addInput("fc" + l + ".weight").addInput("fc" + l + ".bias").addOutput(gemm)
                    .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)));
            if (!last) {
                x = "fc" + l + "_relu";
                g.addNode(NodeProto.newBuilder().setOpType("Relu").setName("fc" + l + "/Relu").addInput(gemm).addOutput(x));
            }
        }
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(8)
                .setProducerName("reluflow")
                .setProducerVersion("1")
                .setDomain("io.reluflow.bench")
                .setModelVersion(1)
                .setDocString("Crayfish-shaped dense ReLU network (" + parameters() + " parameters) for ReluFlow's benchmark.")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17))
                .setGraph(g);
        meta(model, "reluflow.decoder", "classifier");
        meta(model, "reluflow.labels", IntStream.range(0, 10).mapToObj(Integer::toString).collect(Collectors.joining(",")));
        meta(model, "reluflow.score-activation", "softmax");
        return model.build().toByteArray();
    }

    /** Frame {@code index}: 784 FLOAT32 values in [0, 1) (an image's normalised pixels), sensor round robin. */
    static Frame frame(long index, int sensors) {
        Random random = new Random(SEED ^ (index * 0x9E3779B97F4A7C15L));
        ByteBuffer data = ByteBuffer.allocate(INPUTS * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < INPUTS; i++) {
            data.putFloat(random.nextFloat());
        }
        data.flip();
        return Frame.newBuilder()
                .setSensorId("sensor-" + (index % sensors))
                .setFrameId(index)
                .setEventTime(Instant.EPOCH)
                .setShape(new ArrayList<>(List.of(INPUTS)))
                .setDtype(TensorType.FLOAT32)
                .setData(data)
                .build();
    }

    private static void meta(ModelProto.Builder model, String key, String value) {
        model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
    }

    private static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            buf.putFloat(v);
        }
        buf.flip();
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(buf));
        for (long d : dims) {
            t.addDims(d);
        }
        return t.build();
    }

    private static ValueInfoProto valueInfo(String name, long features) {
        TensorShapeProto shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(features))
                .build();
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }
}
