package reluflow.engine.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;

class BoxDecoderTest {
    private final BoxDecoder decoder = new BoxDecoder("boxes", "scores", 0.5, 0.5, 10, 1f, 1f, Labels.fromMetadata("cat, dog"));

    @Test
    void overlappingBoxesOfOneClassAreSuppressedAndOtherClassesKept() {
        float[] boxes = {
                0.10f, 0.10f, 0.30f, 0.30f,   // a: cat 0.9
                0.11f, 0.10f, 0.31f, 0.30f,   // b: overlaps a, cat 0.8 -> suppressed
                0.11f, 0.10f, 0.31f, 0.30f,   // c: same place, dog 0.7 -> kept (other class)
                0.60f, 0.60f, 0.90f, 0.90f,   // d: cat 0.6, far away -> kept
                0.60f, 0.60f, 0.90f, 0.90f};  // e: below threshold
        float[] scores = {
                0.9f, 0.1f,
                0.8f, 0.2f,
                0.1f, 0.7f,
                0.6f, 0.0f,
                0.4f, 0.3f};
        List<Detection> detections = decoder.decode(Map.of(
                "boxes", new TensorView(boxes, 0, new long[] {5, 4}),
                "scores", new TensorView(scores, 0, new long[] {5, 2})));
        assertThat(detections).extracting(Detection::getLabel).containsExactly("cat", "dog", "cat");
        assertThat(detections).extracting(Detection::getScore).containsExactly(0.9f, 0.7f, 0.6f);
        assertThat(detections.get(2).getBox()).isEqualTo(new BoundingBox(0.6f, 0.6f, 0.9f, 0.9f));
    }

    @Test
    void iouOfKnownBoxes() {
        BoundingBox a = new BoundingBox(0f, 0f, 0.2f, 0.2f);
        BoundingBox b = new BoundingBox(0.1f, 0f, 0.3f, 0.2f);
        assertThat(BoxDecoder.iou(a, b)).isCloseTo(0.02 / 0.06, within(1e-6));
        assertThat(BoxDecoder.iou(a, new BoundingBox(0.5f, 0.5f, 0.6f, 0.6f))).isZero();
    }

    @Test
    void pixelBoxesAreNormalisedByTheInputSize() {
        BoxDecoder pixels = new BoxDecoder("boxes", "scores", 0.5, 0.5, 10, 1f / 32, 1f / 16, Labels.none());
        List<Detection> detections = pixels.decode(Map.of(
                "boxes", new TensorView(new float[] {8, 4, 16, 8}, 0, new long[] {1, 4}),
                "scores", new TensorView(new float[] {0.9f}, 0, new long[] {1, 1})));
        assertThat(detections.get(0).getBox()).isEqualTo(new BoundingBox(0.25f, 0.25f, 0.5f, 0.5f));
        assertThat(detections.get(0).getLabel()).isEqualTo("0");
    }

    @Test
    void equalScoresKeepScanOrderAndMaxDetectionsCaps() {
        BoxDecoder capped = new BoxDecoder("boxes", "scores", 0.5, 0.5, 2, 1f, 1f, Labels.none());
        float[] boxes = {
                0.0f, 0.0f, 0.1f, 0.1f,
                0.2f, 0.2f, 0.3f, 0.3f,
                0.4f, 0.4f, 0.5f, 0.5f};
        float[] scores = {0.7f, 0.7f, 0.7f};
        List<Detection> detections = capped.decode(Map.of(
                "boxes", new TensorView(boxes, 0, new long[] {3, 4}),
                "scores", new TensorView(scores, 0, new long[] {3, 1})));
        assertThat(detections).extracting(d -> d.getBox().getXMin()).containsExactly(0.0f, 0.2f);
    }

    /**
     * Against a plain reference (candidate objects, a stable sort by score, greedy per-class NMS) on
     * random frames read from a direct buffer at a frame offset: ties, negative scores and thresholds,
     * more candidates than any initial capacity, caps, and frames of many chunks with few candidates and NaN scores.
     */
    @Test
    void matchesAReferenceNmsOnRandomFramesReadInPlace() {
        java.util.Random random = new java.util.Random(7);
        for (int trial = 0; trial < 200; trial++) {
            // Odd trials: up to 1,600 scores, scanned in several chunks, nearly all below any threshold, with NaNs.
            boolean sparse = trial % 2 == 1;
            int anchors = 1 + random.nextInt(sparse ? 400 : 60);
            int classes = 1 + random.nextInt(3);
            double minScore = random.nextBoolean() ? 0.5 : -0.25;
            int max = 1 + random.nextInt(40);
            double iouLimit = 0.3 + 0.4 * random.nextDouble();
            int offsetFrames = random.nextInt(3);
            float[] boxes = new float[anchors * 4];
            for (int a = 0; a < anchors; a++) {
                float x = random.nextInt(8) / 10f;
                float y = random.nextInt(8) / 10f;
                float w = 0.1f + random.nextInt(3) / 10f;
                boxes[4 * a] = x;
                boxes[4 * a + 1] = y;
                boxes[4 * a + 2] = x + w;
                boxes[4 * a + 3] = y + w;
            }
            float[] scores = new float[anchors * classes];
            for (int i = 0; i < scores.length; i++) {
                // Few distinct values: ties are common.
                scores[i] = random.nextInt(8) / 4f - 0.5f;
                if (sparse) {
                    int kind = random.nextInt(100);
                    scores[i] = kind < 3 ? scores[i] : kind < 6 ? Float.NaN : -1f;
                }
            }
            BoxDecoder decoder = new BoxDecoder("boxes", "scores", minScore, iouLimit, max, 1f, 1f, Labels.none());
            List<Detection> actual = decoder.decode(Map.of(
                    "boxes", new TensorView(direct(boxes, offsetFrames * boxes.length), offsetFrames * boxes.length, new long[] {anchors, 4}),
                    "scores", new TensorView(direct(scores, offsetFrames * scores.length), offsetFrames * scores.length,
                            new long[] {anchors, classes})));
            assertThat(actual).as("trial %d", trial).isEqualTo(reference(boxes, scores, classes, minScore, iouLimit, max));
        }
    }

    /** values placed after {@code before} other floats in a direct native-order buffer, as a later frame of a pinned batch output. */
    private static java.nio.FloatBuffer direct(float[] values, int before) {
        java.nio.FloatBuffer buffer = java.nio.ByteBuffer.allocateDirect((before + values.length) * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        buffer.put(before, values);
        return buffer;
    }

    private static List<Detection> reference(float[] boxes, float[] scores, int classes, double minScore, double iouLimit, int max) {
        record Candidate(int cell, float score) {
        }
        List<Candidate> candidates = new java.util.ArrayList<>();
        for (int cell = 0; cell < scores.length; cell++) {
            if (scores[cell] >= minScore) {
                candidates.add(new Candidate(cell, scores[cell]));
            }
        }
        candidates.sort((x, y) -> Float.compare(y.score(), x.score()));
        List<Detection> kept = new java.util.ArrayList<>();
        for (Candidate c : candidates) {
            if (kept.size() >= max) {
                break;
            }
            int a = c.cell() / classes;
            BoundingBox box = new BoundingBox(clamp(boxes[4 * a]), clamp(boxes[4 * a + 1]), clamp(boxes[4 * a + 2]), clamp(boxes[4 * a + 3]));
            boolean suppressed = kept.stream().anyMatch(
                    d -> d.getClassIndex() == c.cell() % classes && BoxDecoder.iou(d.getBox(), box) > iouLimit);
            if (!suppressed) {
                kept.add(new Detection(c.cell() % classes, Integer.toString(c.cell() % classes), c.score(), box));
            }
        }
        return kept;
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }
}
