package reluflow.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnx.proto.OnnxMl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.engine.EngineException;
import reluflow.engine.TinyModel;

class OnnxGraphTest {
    @TempDir
    Path dir;

    @Test
    void findsReluLayersTheirProducersAndUnitAxes() throws Exception {
        OnnxGraph dense = graph(TinyModel.gemmRelu());
        assertThat(dense.inputs()).extracting(TensorSpec::name).containsExactly("x");
        assertThat(dense.reluLayers()).containsExactly(new ReluLayer("hidden", "Relu", "Gemm", false));
        assertThat(dense.reluLayers().get(0).unitAxis(1)).isZero();

        OnnxGraph conv = graph(TinyModel.convRelu());
        ReluLayer features = conv.reluLayers().get(0);
        assertThat(features.convolutional()).isTrue();
        assertThat(features.unitAxis(3)).isZero();
        assertThat(features.unitAxis(2)).isZero();
        // A dense layer over a sequence [T, U] counts its U neurons (last axis).
        assertThat(new ReluLayer("seq", "Relu", "MatMul", false).unitAxis(2)).isEqualTo(1);
    }

    @Test
    void clipIsAReluWhenItsMinimumIsZeroWhereverTheMinimumComesFrom() throws Exception {
        OnnxGraph initializers = graph(TinyModel.clipRelu6());
        assertThat(initializers.reluLayers()).extracting(ReluLayer::name).containsExactly("relu6");

        OnnxMl.AttributeProto zeroTensor = OnnxMl.AttributeProto.newBuilder().setName("value")
                .setType(OnnxMl.AttributeProto.AttributeType.TENSOR)
                .setT(OnnxMl.TensorProto.newBuilder().setDataType(1).addFloatData(0f)).build();
        OnnxGraph constantNode = graph(TinyModel.create()
                .input("x", -1, 4)
                .node("Constant", new String[0], new String[] {"lo"}, zeroTensor)
                .node("Clip", new String[] {"x", "lo"}, new String[] {"clipped"})
                .output("clipped", -1, 4));
        assertThat(constantNode.reluLayers()).extracting(ReluLayer::name).containsExactly("clipped");
    }

    @Test
    void opsetSixClipReadsItsMinimumFromAttributes() {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.newBuilder()
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setVersion(6))
                .setGraph(OnnxMl.GraphProto.newBuilder()
                        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Clip").addInput("x").addOutput("a")
                                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("min").setF(0f))
                                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("max").setF(6f)))
                        .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Clip").addInput("a").addOutput("b")
                                .addAttribute(OnnxMl.AttributeProto.newBuilder().setName("min").setF(-1f))))
                .build();
        assertThat(new OnnxGraph(model).reluLayers()).extracting(ReluLayer::name).containsExactly("a");
    }

    @Test
    void instrumentedModelExposesEveryLayerOnce() throws Exception {
        OnnxGraph graph = graph(TinyModel.gemmRelu());
        OnnxMl.ModelProto exposed = ModelInstrumenter.exposeLayers(graph, graph.reluLayers(), 1);
        assertThat(exposed.getGraph().getOutputList()).extracting(OnnxMl.ValueInfoProto::getName).containsExactly("logits", "hidden");
        assertThat(exposed.getGraph().getNodeList()).isEqualTo(graph.model().getGraph().getNodeList());
    }

    @Test
    void externalDataIsReadFromTheModelDirectoryAndNeverFromOutsideIt() throws Exception {
        Path modelDir = Files.createDirectories(dir.resolve("models"));
        Files.write(modelDir.resolve("weights.bin"), new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40});
        OnnxMl.ModelProto inside = withExternalWeights("weights.bin");
        OnnxMl.ModelProto inlined = ExternalData.inline(inside, modelDir.resolve("m.onnx"));
        OnnxMl.TensorProto w = inlined.getGraph().getInitializer(0);
        assertThat(w.getExternalDataCount()).isZero();
        assertThat(w.getRawData().toByteArray()).containsExactly(0, 0, 0x80, 0x3f, 0, 0, 0, 0x40);

        Files.write(dir.resolve("secret.bin"), new byte[8]);
        assertThatThrownBy(() -> ExternalData.inline(withExternalWeights("../secret.bin"), modelDir.resolve("m.onnx")))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("references external data '../secret.bin' outside the model's directory");
    }

    private static OnnxMl.ModelProto withExternalWeights(String location) {
        return OnnxMl.ModelProto.newBuilder().setGraph(OnnxMl.GraphProto.newBuilder()
                .addInitializer(OnnxMl.TensorProto.newBuilder().setName("W").setDataType(1).addDims(2)
                        .setDataLocation(OnnxMl.TensorProto.DataLocation.EXTERNAL)
                        .addExternalData(OnnxMl.StringStringEntryProto.newBuilder().setKey("location").setValue(location))))
                .build();
    }

    private OnnxGraph graph(TinyModel model) throws EngineException {
        return new OnnxGraph(ModelFile.read(model.writeTo(dir, "m.onnx")).proto());
    }
}
