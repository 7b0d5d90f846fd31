package reluflow.engine.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;
import reluflow.avro.Frame;

/** Scores decoded predictions against the ground truth of synthetic demo frames. */
public final class DemoQuality {

    /**
     * {@code correct} out of {@code total} ground-truth items were predicted correctly;
     * {@code predictions} is how many predictions were made, so that precision can be reported
     * for detectors (for the classifier it is the number of frames with any prediction).
     */
    public record Quality(long correct, long total, long predictions) {

        /** Accuracy (classifier) or recall (detector); 0 when there was nothing to find. */
        public double fraction() {
            return total == 0 ? 0.0 : (double) correct / total;
        }

        /** Share of predictions that were correct; 1 when nothing was predicted (nothing wrong). */
        public double precision() {
            return predictions == 0 ? 1.0 : (double) correct / predictions;
        }
    }

    private DemoQuality() {
    }

    /**
     * Top-1 accuracy: a frame counts as correct when its highest-scoring detection has the frame's
     * label. Frames without a label are skipped; frames with no detection count as wrong.
     */
    public static Quality classifierAccuracy(List<Frame> frames, List<List<Detection>> predictions) {
        checkSizes(frames, predictions);
        long correct = 0;
        long total = 0;
        long predicted = 0;
        for (int i = 0; i < frames.size(); i++) {
            OptionalInt label = GroundTruth.label(frames.get(i));
            if (label.isEmpty()) {
                continue;
            }
            total++;
            List<Detection> dets = predictions.get(i);
            if (dets == null || dets.isEmpty()) {
                continue;
            }
            predicted++;
            Detection top = dets.stream().max(Comparator.comparingDouble(Detection::getScore)).orElseThrow();
            if (top.getClassIndex() == label.getAsInt()) {
                correct++;
            }
        }
        return new Quality(correct, total, predicted);
    }

    /**
     * Detection recall and precision at an IoU threshold, matched the PASCAL VOC way: detections
     * in descending score order each claim the best-overlapping unclaimed ground-truth object of
     * their class. A second detection of an already claimed object is a false positive, so
     * missing non-maximum suppression shows up as low precision.
     */
    public static Quality boxRecall(List<Frame> frames, List<List<Detection>> predictions, double iouThreshold) {
        checkSizes(frames, predictions);
        long matched = 0;
        long objects = 0;
        long detections = 0;
        for (int i = 0; i < frames.size(); i++) {
            List<GroundTruthBox> truth = GroundTruth.objects(frames.get(i));
            objects += truth.size();
            List<Detection> dets = new ArrayList<>();
            if (predictions.get(i) != null) {
                for (Detection d : predictions.get(i)) {
                    if (d.getBox() != null) {
                        dets.add(d);
                    }
                }
            }
            detections += dets.size();
            dets.sort(Comparator.comparingDouble(Detection::getScore).reversed());
            boolean[] claimed = new boolean[truth.size()];
            for (Detection d : dets) {
                int best = -1;
                double bestIou = iouThreshold;
                for (int t = 0; t < truth.size(); t++) {
                    GroundTruthBox g = truth.get(t);
                    if (claimed[t] || g.classIndex() != d.getClassIndex()) {
                        continue;
                    }
                    double iou = iou(d.getBox(), g.toBoundingBox());
                    if (iou >= bestIou) {
                        bestIou = iou;
                        best = t;
                    }
                }
                if (best >= 0) {
                    claimed[best] = true;
                    matched++;
                }
            }
        }
        return new Quality(matched, objects, detections);
    }

    /** Intersection over union of two axis-aligned boxes; 0 for disjoint or degenerate boxes. */
    public static double iou(BoundingBox a, BoundingBox b) {
        double ix = Math.min(a.getXMax(), b.getXMax()) - Math.max(a.getXMin(), b.getXMin());
        double iy = Math.min(a.getYMax(), b.getYMax()) - Math.max(a.getYMin(), b.getYMin());
        if (ix <= 0 || iy <= 0) {
            return 0.0;
        }
        double inter = ix * iy;
        double union = area(a) + area(b) - inter;
        return union <= 0 ? 0.0 : inter / union;
    }

    private static double area(BoundingBox b) {
        return Math.max(0.0, (double) b.getXMax() - b.getXMin()) * Math.max(0.0, (double) b.getYMax() - b.getYMin());
    }

    private static void checkSizes(List<Frame> frames, List<List<Detection>> predictions) {
        if (frames.size() != predictions.size()) {
            throw new IllegalArgumentException(
                    frames.size() + " frames but " + predictions.size() + " prediction lists");
        }
    }
}
