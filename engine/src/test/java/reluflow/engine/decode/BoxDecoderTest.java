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
}
