package reluflow.engine.demo;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;
import reluflow.avro.Frame;

/**
 * Runs the demo models in plain ONNX Runtime over synthetic frames and checks that they actually
 * solve their task. The frame seed here is deliberately not one used while choosing the weights.
 */
class DemoModelsTest {

    private static final long EVAL_SEED = 0xC0FFEE_2024L;
    private static final int FRAMES = 1000;
    private static final int BATCH = 64; // 1000 is not a multiple: the last batch checks the dynamic N

    @Test
    void buildIsDeterministicAndWellFormed(@TempDir Path dir) throws Exception {
        for (DemoModelKind kind : DemoModelKind.values()) {
            byte[] first = DemoModels.build(kind);
            assertThat(DemoModels.build(kind)).isEqualTo(first);
            Path file = dir.resolve("models").resolve(kind + ".onnx");
            DemoModels.write(kind, file);
            assertThat(Files.readAllBytes(file)).isEqualTo(first);

            ModelProto model = ModelProto.parseFrom(first);
            assertThat(model.getIrVersion()).isEqualTo(8);
            assertThat(model.getOpsetImport(0).getVersion()).isEqualTo(17);
            assertThat(model.getProducerName()).isEqualTo("reluflow");
            assertThat(model.getModelVersion()).isEqualTo(1);
            Map<String, String> meta = metadata(model);
            assertThat(meta.get("reluflow.labels")).isEqualTo(String.join(",", DemoModels.labels(kind)));
            assertThat(meta.get("reluflow.decoder")).isEqualTo(kind == DemoModelKind.MLP ? "classifier" : "boxes");
            assertThat(model.getGraph().getInput(0).getName()).isEqualTo(DemoModels.inputName(kind));
            assertThat(model.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0).getDimParam())
                    .isEqualTo("N");
        }
        List<String> mlpOps = ops(ModelProto.parseFrom(DemoModels.build(DemoModelKind.MLP)));
        assertThat(mlpOps).containsSubsequence("Gemm", "Relu", "MatMul", "Add", "Relu", "Gemm");
        List<String> cnnOps = ops(ModelProto.parseFrom(DemoModels.build(DemoModelKind.CNN)));
        assertThat(cnnOps).containsSubsequence("Conv", "Clip", "Conv", "Relu");
    }

    @Test
    void framesAreDeterministicAndStreamable() {
        for (DemoModelKind kind : DemoModelKind.values()) {
            List<Frame> list = SyntheticFrames.generate(kind, 20, 7L, 3, 1_000L, 10L);
            assertThat(SyntheticFrames.generate(kind, 20, 7L, 3, 1_000L, 10L)).isEqualTo(list);
            Iterator<Frame> it = SyntheticFrames.iterator(kind, 1_000_000L, 7L, 3, 1_000L, 10L);
            for (Frame f : list) {
                assertThat(it.next()).isEqualTo(f);
            }
            Frame f13 = list.get(13);
            assertThat(f13.getSensorId()).isEqualTo("sensor-1");
            assertThat(f13.getFrameId()).isEqualTo(13L);
            assertThat(f13.getEventTime().toEpochMilli()).isEqualTo(1_130L);
            assertThat(f13.getShape()).isEqualTo(DemoModels.frameShape(kind));
            assertThat(SyntheticFrames.frame(kind, 13, 7L, 3, 1_000L, 10L)).isEqualTo(f13);
            assertThat(SyntheticFrames.generate(kind, 20, 8L, 3, 1_000L, 10L)).isNotEqualTo(list);
        }
    }

    private static Map<String, String> metadata(ModelProto model) {
        return model.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
    }

    private static List<String> ops(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toList());
    }
}
