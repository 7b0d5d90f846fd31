package reluflow.engine.decode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;
import reluflow.engine.EngineException;

/**
 * A box head: boxes [A, 4] (x_min, y_min, x_max, y_max) and class scores [A, C] per frame ->
 * candidates scoring at least minScore, then greedy per-class non-maximum suppression.
 */
public final class BoxDecoder implements DetectionDecoder {
    private final String boxesOutput;
    private final String scoresOutput;
    private final double minScore;
    private final double nmsIou;
    private final int maxDetections;
    private final float xScale;
    private final float yScale;
    private final Labels labels;

    /**
     * @param xScale factor that turns box x coordinates into [0,1] (1 for normalised boxes, 1/width for pixels)
     * @param yScale same for y
     */
    public BoxDecoder(String boxesOutput, String scoresOutput, double minScore, double nmsIou, int maxDetections,
                      float xScale, float yScale, Labels labels) {
        this.boxesOutput = boxesOutput;
        this.scoresOutput = scoresOutput;
        this.minScore = minScore;
        this.nmsIou = nmsIou;
        this.maxDetections = maxDetections;
        this.xScale = xScale;
        this.yScale = yScale;
        this.labels = labels;
    }

    @Override
    public Set<String> outputs() {
        return Set.of(boxesOutput, scoresOutput);
    }

    @Override
    public void checkShapes(Map<String, long[]> frameOutputShapes) throws EngineException {
        long[] boxes = frameOutputShapes.get(boxesOutput);
        long[] scores = frameOutputShapes.get(scoresOutput);
        if (boxes.length != 2 || boxes[1] != 4) {
            throw new EngineException("Box decoder: output '" + boxesOutput + "' must be [batch, anchors, 4] but one frame's slice is "
                    + java.util.Arrays.toString(boxes));
        }
        if (scores.length != 2 || scores[0] != boxes[0]) {
            throw new EngineException("Box decoder: output '" + scoresOutput + "' must be [batch, anchors, classes] with "
                    + boxes[0] + " anchors like '" + boxesOutput + "', but one frame's slice is " + java.util.Arrays.toString(scores));
        }
        labels.check(scores[1]);
    }

    @Override
    public List<Detection> decode(Map<String, TensorView> frameOutputs) {
        TensorView boxes = frameOutputs.get(boxesOutput);
        TensorView scores = frameOutputs.get(scoresOutput);
        int anchors = (int) scores.frameShape()[0];
        int classes = (int) scores.frameShape()[1];
        List<Candidate> candidates = new ArrayList<>();
        for (int a = 0; a < anchors; a++) {
            for (int c = 0; c < classes; c++) {
                float score = scores.get(a * classes + c);
                if (score >= minScore) {
                    candidates.add(new Candidate(a, c, score));
                }
            }
        }
        candidates.sort((x, y) -> Float.compare(y.score, x.score));
        List<Detection> kept = new ArrayList<>();
        List<Candidate> keptCandidates = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (kept.size() >= maxDetections) {
                break;
            }
            BoundingBox box = box(boxes, candidate.anchor);
            boolean suppressed = false;
            for (int i = 0; i < kept.size() && !suppressed; i++) {
                suppressed = keptCandidates.get(i).classIndex == candidate.classIndex
                        && iou(kept.get(i).getBox(), box) > nmsIou;
            }
            if (!suppressed) {
                keptCandidates.add(candidate);
                kept.add(new Detection(candidate.classIndex, labels.label(candidate.classIndex), candidate.score, box));
            }
        }
        return kept;
    }

    private BoundingBox box(TensorView boxes, int anchor) {
        int base = anchor * 4;
        return new BoundingBox(
                clamp(boxes.get(base) * xScale), clamp(boxes.get(base + 1) * yScale),
                clamp(boxes.get(base + 2) * xScale), clamp(boxes.get(base + 3) * yScale));
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    public static double iou(BoundingBox a, BoundingBox b) {
        double ix = Math.max(0, Math.min(a.getXMax(), b.getXMax()) - Math.max(a.getXMin(), b.getXMin()));
        double iy = Math.max(0, Math.min(a.getYMax(), b.getYMax()) - Math.max(a.getYMin(), b.getYMin()));
        double intersection = ix * iy;
        double union = area(a) + area(b) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    private static double area(BoundingBox b) {
        return Math.max(0, b.getXMax() - b.getXMin()) * Math.max(0, b.getYMax() - b.getYMin());
    }

    private record Candidate(int anchor, int classIndex, float score) {
    }
}
