package reluflow.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.ModelIdentity;
import reluflow.avro.SparsityReport;
import reluflow.cli.Main;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.io.AvroContainerFiles;
import reluflow.engine.sparsity.LayerActivity;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.engine.sparsity.SparsitySummary;

/** compare over two real engine runs: the demo MLP and the same MLP with perturbed weights and one unit killed. */
class CompareTest {
    private static final int FRAMES = 300;
    private static final long WINDOW_MILLIS = 1000;
    /** fc1 unit set dead in the candidate (a noise unit that fires in the baseline). */
    private static final int KILLED_UNIT = 16;

    @TempDir
    static Path dir;

    private static Path baseline;
    private static Path candidate;
    private static List<FrameDetections> baselineDetections;
    private static List<FrameDetections> candidateDetections;

    @BeforeAll
    static void runBothModels() throws Exception {
        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, FRAMES, 5L, 4, 0L, 10L);
        baseline = dir.resolve("baseline");
        candidate = dir.resolve("candidate");
        baselineDetections = run(DemoModels.build(DemoModelKind.MLP), "mlp", frames, baseline);
        candidateDetections = run(perturbedMlp(), "mlp-perturbed", frames, candidate);
    }

    @Test
    void aRunComparedWithItselfChangesNothingAndPasses() {
        Cli.Result r = Cli.run("compare", "--baseline", baseline.toString(), "--candidate", baseline.toString(),
                "--max-changed-classes", "0", "--max-score-delta", "0", "--max-sparsity-shift", "0", "--min-box-iou", "0.9");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("matched                   300", "only in baseline          0", "only in candidate         0",
                "changed                   0 of 300 (0.00%)", "max |delta|               0.0000", "no boxes on either side",
                "fc1_relu", "fc2_relu", "min box IoU", "not checked, no matched boxes", "Result: PASS (no threshold exceeded)");
    }

    @Test
    void aPerturbedModelShowsChangedClassesScoresAndSparsityAndFailsTightThresholds() {
        long changed = 0;
        double maxDelta = 0;
        for (int i = 0; i < FRAMES; i++) {
            Detection b = best(baselineDetections.get(i));
            Detection c = best(candidateDetections.get(i));
            if (b.getClassIndex() != c.getClassIndex()) {
                changed++;
            } else {
                maxDelta = Math.max(maxDelta, Math.abs(c.getScore() - b.getScore()));
            }
        }
        assertThat(changed).as("the perturbation must flip some classes").isBetween(1L, FRAMES - 1L);

        Cli.Result tight = Cli.run("compare", "--baseline", baseline.toString(), "--candidate", candidate.toString(),
                "--max-changed-classes", "0", "--max-sparsity-shift", "0.0001");
        assertThat(tight.exitCode()).as(tight.all()).isEqualTo(1);
        assertThat(tight.out()).contains("model mlp ", "model mlp-perturbed ", "matched                   300",
                String.format(java.util.Locale.ROOT, "changed                   %d of 300 (%.2f%%)", changed, 100.0 * changed / FRAMES),
                String.format(java.util.Locale.ROOT, "max |delta|               %.4f", maxDelta),
                "changed top-1 fraction", "(--max-changed-classes): EXCEEDED", "|zero-fraction shift| fc1_relu",
                "Result: FAIL (", "--max-changed-classes");
        // fc1's killed unit shows up as newly dead in every window's report.
        String fc1 = tight.out().lines().filter(l -> l.strip().startsWith("fc1_relu ")).findFirst().orElseThrow();
        assertThat(fc1).contains("[" + KILLED_UNIT + "]").contains("3 ");

        Cli.Result loose = Cli.run("compare", "--baseline", baseline.toString(), "--candidate", candidate.toString(),
                "--max-changed-classes", "1", "--max-score-delta", "1", "--max-sparsity-shift", "1");
        assertThat(loose.exitCode()).as(loose.all()).isZero();
        assertThat(loose.out()).contains("Result: PASS (no threshold exceeded)").doesNotContain("EXCEEDED");

        Cli.Result scores = Cli.run("compare", "--baseline", baseline.toString(), "--candidate", candidate.toString(),
                "--max-score-delta", String.valueOf(maxDelta / 2));
        assertThat(scores.exitCode()).isEqualTo(1);
        assertThat(scores.out()).contains("(--max-score-delta): EXCEEDED");
    }

    @Test
    void boxesArePairedByClassAndTheirIouChecked() throws Exception {
        Path b = dir.resolve("boxes-b");
        Path c = dir.resolve("boxes-c");
        write(b, List.of(boxes("cam", 1, box(0, 0, 1, 1), box(0, 0, 0.2f, 0.2f)), boxes("cam", 2, box(0, 0, 0.5f, 0.5f)),
                boxes("cam", 3)));
        write(c, List.of(boxes("cam", 1, box(0, 0, 0.5f, 1), box(0, 0, 0.2f, 0.2f)), boxes("cam", 2, box(0, 0, 0.5f, 0.5f),
                box(0.5f, 0.5f, 1, 1)), boxes("cam", 4)));
        Cli.Result r = Cli.run("compare", "--baseline", b.toString(), "--candidate", c.toString(), "--min-box-iou", "0.6");
        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.out()).contains("matched                   2", "only in baseline          1", "only in candidate         1",
                "frames with boxes         2", "matched pairs             3", "min IoU                   0.5000",
                "only in candidate         1", "(--min-box-iou): EXCEEDED", "no sparsity.avro on either side");
        assertThat(Cli.run("compare", "--baseline", b.toString(), "--candidate", c.toString(), "--min-box-iou", "0.5").exitCode()).isZero();
    }

    @Test
    void missingFoldersAndFilesAreUserErrors() {
        Cli.Result missing = Cli.run("compare", "--baseline", dir.resolve("nowhere").toString(), "--candidate", baseline.toString());
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(missing.err()).contains("Baseline folder", "nowhere does not exist");
        Cli.Result bad = Cli.run("compare", "--baseline", baseline.toString(), "--candidate", baseline.toString(),
                "--max-changed-classes", "5");
        assertThat(bad.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(bad.err()).contains("--max-changed-classes must be within [0, 1]");
    }

    /** The demo MLP with fc1 weights scaled by random factors, and one fc1 unit killed by a large negative bias. */
    private static byte[] perturbedMlp() throws Exception {
        OnnxMl.ModelProto model = OnnxMl.ModelProto.parseFrom(DemoModels.build(DemoModelKind.MLP));
        OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        Random random = new Random(42);
        for (int i = 0; i < graph.getInitializerCount(); i++) {
            OnnxMl.TensorProto t = graph.getInitializer(i);
            if (t.getName().equals("fc1.weight")) {
                ByteBuffer w = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer out = ByteBuffer.allocate(w.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                while (w.hasRemaining()) {
                    out.putFloat((float) (w.getFloat() * (1 + 0.6 * random.nextGaussian())));
                }
                graph.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(out.array())));
            } else if (t.getName().equals("fc1.bias")) {
                ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer out = ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                for (int u = 0; b.hasRemaining(); u++) {
                    float v = b.getFloat();
                    out.putFloat(u == KILLED_UNIT ? -1000f : v);
                }
                graph.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(out.array())));
            }
        }
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }

    /** The recording through the bounded job (`reluflow run`), which writes the layout compare reads. */
    private static List<FrameDetections> run(byte[] model, String name, List<Frame> frames, Path out) throws Exception {
        Path recording = dir.resolve("recording.avro");
        if (!Files.exists(recording)) {
            AvroContainerFiles.write(recording, Frame.class, frames.iterator());
        }
        Path modelFile = dir.resolve(name + ".onnx");
        Files.write(modelFile, model);
        Cli.Result r = Cli.run("run", "--input", recording.toString(), "--output", out.toString(), "--model", modelFile.toString(),
                "--provider", "cpu", "--parallelism", "2", "--set", "sparsity.window=" + WINDOW_MILLIS + " ms");
        assertThat(r.exitCode()).as(r.all()).isZero();
        List<FrameDetections> detections = new ArrayList<>();
        try (AvroContainerFiles.Reader<FrameDetections> reader = AvroContainerFiles.reader(out.resolve("detections.avro"), FrameDetections.class)) {
            reader.forEachRemaining(detections::add);
        }
        assertThat(detections).hasSize(frames.size());
        return detections;
    }

    private static Detection best(FrameDetections d) {
        return DetectionComparison.top(d.getDetections());
    }

    private static BoundingBox box(float x0, float y0, float x1, float y1) {
        return BoundingBox.newBuilder().setXMin(x0).setYMin(y0).setXMax(x1).setYMax(y1).build();
    }

    private static FrameDetections boxes(String sensor, long frame, BoundingBox... boxes) {
        List<Detection> detections = new ArrayList<>();
        for (BoundingBox box : boxes) {
            detections.add(Detection.newBuilder().setClassIndex(0).setLabel("square").setScore(0.9f).setBox(box).build());
        }
        return FrameDetections.newBuilder().setSensorId(sensor).setFrameId(frame).setEventTime(Instant.ofEpochMilli(frame))
                .setModel(ModelIdentity.newBuilder().setName("boxes").setSha256("00").build()).setDetections(detections)
                .setBatchSize(1).setInferenceMicros(1).setProcessedAt(Instant.ofEpochMilli(0)).build();
    }

    private static void write(Path run, List<FrameDetections> detections) throws Exception {
        AvroContainerFiles.write(run.resolve("detections.avro"), FrameDetections.class, detections.iterator());
    }
}
