package reluflow.job;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import reluflow.avro.Frame;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.job.config.JobConfig;
import reluflow.job.source.FrameDecoder;
import reluflow.job.source.SourceRecord;

/** Shared fixtures: a demo model on disk, a valid configuration, frames as Kafka would carry them. */
public final class JobTestSupport {
    private JobTestSupport() {
    }

    public static Path mlpModel(Path dir) {
        Path model = dir.resolve("mlp.onnx");
        DemoModels.write(DemoModelKind.MLP, model);
        return model;
    }

    public static Map<String, String> settings(Path model, String... overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("kafka.bootstrap-servers", "127.0.0.1:1");
        values.put("model.path", model.toString());
        values.put("engine.provider", "CPU");
        for (int i = 0; i + 1 < overrides.length; i += 2) {
            values.put(overrides[i], overrides[i + 1]);
        }
        return values;
    }

    public static JobConfig config(Path model, String... overrides) {
        return JobConfig.of(settings(model, overrides));
    }

    public static byte[] encode(Frame frame) {
        return reluflow.engine.io.SingleObject.encode(frame);
    }

    /** The frame as the Kafka source hands it on: decoded from its wire bytes at a given offset. */
    public static SourceRecord fromKafka(Frame frame, long offset) {
        return FrameDecoder.decode("frames", 0, offset, frame.getSensorId().getBytes(java.nio.charset.StandardCharsets.UTF_8), encode(frame));
    }
}
