package reluflow.engine.decode;

import java.util.ArrayList;
import java.util.Arrays;
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
     * Scores are scanned a chunk at a time, each copied in bulk into this thread's array: the demo CNN has
     * 12,288 scores a frame, and reading each through the direct buffer's checked {@code get} made the decoder
     * 4.4% of its engine's time (async-profiler, batches of 32). Out of an array a chunk's largest score is
     * found in a tight loop, and only a chunk holding a candidate is scanned again value by value.
     */
    private static final int CHUNK = 256;
    private final ThreadLocal<float[]> chunkScratch = ThreadLocal.withInitial(() -> new float[CHUNK]);

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

    /**
     * Candidates are packed into longs (score, then scan position) and sorted as primitives; a box
     * is read from the boxes output only for a candidate that reaches the suppression step, and a
     * {@link BoundingBox} is made only for a kept detection. Objects per candidate made the CNN's
     * decode about a tenth of its batch time: a bright object scores above minScore at many anchors.
     */
    @Override
    public List<Detection> decode(Map<String, TensorView> frameOutputs) {
        TensorView boxes = frameOutputs.get(boxesOutput);
        TensorView scores = frameOutputs.get(scoresOutput);
        int anchors = (int) scores.frameShape()[0];
        int classes = (int) scores.frameShape()[1];
        long[] candidates = new long[16];
        int count = 0;
        int cells = anchors * classes;
        float[] chunk = chunkScratch.get();
        for (int from = 0; from < cells; from += CHUNK) {
            int length = Math.min(CHUNK, cells - from);
            scores.copyTo(from, chunk, length);
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < length; i++) {
                float value = chunk[i];
                max = value > max ? value : max;
            }
            // Nearly every chunk has no candidate. A NaN never wins the comparison, so it is not the max and, as
            // below, never a candidate. (Math.max, whose NaN and -0.0 rules the JIT cannot do in one instruction,
            // left this loop at 3.1% of the demo CNN engine's time; with the comparison the decoder's whole share is 1.6%.)
            if (max < minScore) {
                continue;
            }
            for (int i = 0; i < length; i++) {
                float score = chunk[i];
                if (score >= minScore) {
                    if (count == candidates.length) {
                        candidates = Arrays.copyOf(candidates, count * 2);
                    }
                    candidates[count++] = sortKey(score, from + i);
                }
            }
        }
        Arrays.sort(candidates, 0, count);
        int limit = Math.min(maxDetections, count);
        List<Detection> kept = new ArrayList<>(Math.min(limit, 16));
        // Kept boxes as x_min, y_min, x_max, y_max, and their classes.
        float[] keptBoxes = new float[4 * Math.min(limit, 16)];
        int[] keptClasses = new int[Math.min(limit, 16)];
        float[] box = new float[4];
        // Highest score first; among equal scores, the earlier cell first (the key holds the inverted cell).
        for (int i = count - 1; i >= 0 && kept.size() < maxDetections; i--) {
            long key = candidates[i];
            int cell = (int) (0xFFFF_FFFFL - (key & 0xFFFF_FFFFL));
            int anchor = cell / classes;
            int classIndex = cell % classes;
            readBox(boxes, anchor, box);
            boolean suppressed = false;
            for (int k = 0; k < kept.size() && !suppressed; k++) {
                suppressed = keptClasses[k] == classIndex && iou(keptBoxes, 4 * k, box) > nmsIou;
            }
            if (!suppressed) {
                int k = kept.size();
                if (k == keptClasses.length) {
                    keptClasses = Arrays.copyOf(keptClasses, k * 2);
                    keptBoxes = Arrays.copyOf(keptBoxes, 8 * k);
                }
                keptClasses[k] = classIndex;
                System.arraycopy(box, 0, keptBoxes, 4 * k, 4);
                kept.add(DetectionDecoder.detection(classIndex, labels.label(classIndex), scores.get(cell),
                        DetectionDecoder.box(box[0], box[1], box[2], box[3])));
            }
        }
        return kept;
    }

    /**
     * Orders like (score, then cell descending) as signed longs: a float's bits flipped below zero
     * compare as the floats do, and the cell is stored inverted so that iterating from the end meets
     * equal scores in scan order, as a stable sort by score did.
     */
    private static long sortKey(float score, int cell) {
        int bits = Float.floatToIntBits(score);
        bits ^= (bits >> 31) & 0x7FFF_FFFF;
        return ((long) bits << 32) | (0xFFFF_FFFFL - cell);
    }

    private void readBox(TensorView boxes, int anchor, float[] box) {
        int base = anchor * 4;
        box[0] = clamp(boxes.get(base) * xScale);
        box[1] = clamp(boxes.get(base + 1) * yScale);
        box[2] = clamp(boxes.get(base + 2) * xScale);
        box[3] = clamp(boxes.get(base + 3) * yScale);
    }

    private static float clamp(float v) {
        return Math.max(0f, Math.min(1f, v));
    }

    private static double iou(float[] kept, int at, float[] box) {
        return iou(kept[at], kept[at + 1], kept[at + 2], kept[at + 3], box[0], box[1], box[2], box[3]);
    }

    public static double iou(BoundingBox a, BoundingBox b) {
        return iou(a.getXMin(), a.getYMin(), a.getXMax(), a.getYMax(), b.getXMin(), b.getYMin(), b.getXMax(), b.getYMax());
    }

    private static double iou(float ax1, float ay1, float ax2, float ay2, float bx1, float by1, float bx2, float by2) {
        double ix = Math.max(0, Math.min(ax2, bx2) - Math.max(ax1, bx1));
        double iy = Math.max(0, Math.min(ay2, by2) - Math.max(ay1, by1));
        double intersection = ix * iy;
        double union = area(ax1, ay1, ax2, ay2) + area(bx1, by1, bx2, by2) - intersection;
        return union <= 0 ? 0 : intersection / union;
    }

    private static double area(float x1, float y1, float x2, float y2) {
        return Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
    }
}
