package reluflow.cli.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import reluflow.avro.BoundingBox;
import reluflow.avro.Detection;
import reluflow.avro.FrameDetections;
import reluflow.cli.replay.RunOutputs.FrameKey;

/**
 * Two runs' detections matched frame by frame on (sensor_id, frame_id): frames on one side only, changed
 * top-1 classes, the score delta of the top class where both sides agree on it, and the IoU of boxes
 * paired within a frame (same class, greedily by highest IoU).
 */
record DetectionComparison(long matched, long onlyBaseline, long onlyCandidate, long changed, List<Change> examples,
                           Percentiles scoreDeltas, Percentiles ious, long framesWithBoxes, long boxesOnlyBaseline,
                           long boxesOnlyCandidate) {
    static final int EXAMPLES = 5;

    /** A frame whose top-1 class changed. */
    record Change(FrameKey frame, String from, String to) {
    }

    double changedFraction() {
        return matched == 0 ? 0 : (double) changed / matched;
    }

    static DetectionComparison of(RunOutputs baseline, RunOutputs candidate) {
        long matched = 0;
        long onlyBaseline = 0;
        long changed = 0;
        long framesWithBoxes = 0;
        long[] unpaired = new long[2];
        List<Change> examples = new ArrayList<>();
        List<Double> deltas = new ArrayList<>();
        List<Double> ious = new ArrayList<>();
        for (Map.Entry<FrameKey, FrameDetections> e : baseline.detections().entrySet()) {
            FrameDetections other = candidate.detections().get(e.getKey());
            if (other == null) {
                onlyBaseline++;
                continue;
            }
            matched++;
            Detection b = top(e.getValue().getDetections());
            Detection c = top(other.getDetections());
            int bClass = b == null ? -1 : b.getClassIndex();
            int cClass = c == null ? -1 : c.getClassIndex();
            if (bClass != cClass) {
                changed++;
                if (examples.size() < EXAMPLES) {
                    examples.add(new Change(e.getKey(), name(b), name(c)));
                }
            } else if (b != null) {
                deltas.add((double) Math.abs(c.getScore() - b.getScore()));
            }
            if (pairBoxes(e.getValue().getDetections(), other.getDetections(), ious, unpaired)) {
                framesWithBoxes++;
            }
        }
        long onlyCandidate = candidate.detections().keySet().stream().filter(k -> !baseline.detections().containsKey(k)).count();
        return new DetectionComparison(matched, onlyBaseline, onlyCandidate, changed, examples, percentiles(deltas), percentiles(ious),
                framesWithBoxes, unpaired[0], unpaired[1]);
    }

    /** The highest-scoring detection (lowest class index on a tie), or null for none. */
    static Detection top(List<Detection> detections) {
        return detections.stream()
                .max(Comparator.comparingDouble(Detection::getScore).thenComparing(d -> -d.getClassIndex()))
                .orElse(null);
    }

    private static String name(Detection d) {
        if (d == null) {
            return "(none)";
        }
        return d.getLabel() == null || d.getLabel().isEmpty() ? "class " + d.getClassIndex() : d.getLabel();
    }

    /** Pairs same-class boxes of one frame, highest IoU first; true when the frame has boxes on either side. */
    private static boolean pairBoxes(List<Detection> baseline, List<Detection> candidate, List<Double> ious, long[] unpaired) {
        List<Detection> b = baseline.stream().filter(d -> d.getBox() != null).toList();
        List<Detection> c = candidate.stream().filter(d -> d.getBox() != null).toList();
        if (b.isEmpty() && c.isEmpty()) {
            return false;
        }
        record Pair(int i, int j, double iou) {
        }
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            for (int j = 0; j < c.size(); j++) {
                if (b.get(i).getClassIndex() == c.get(j).getClassIndex()) {
                    pairs.add(new Pair(i, j, iou(b.get(i).getBox(), c.get(j).getBox())));
                }
            }
        }
        pairs.sort(Comparator.comparingDouble(Pair::iou).reversed());
        boolean[] usedB = new boolean[b.size()];
        boolean[] usedC = new boolean[c.size()];
        int paired = 0;
        for (Pair p : pairs) {
            if (!usedB[p.i()] && !usedC[p.j()]) {
                usedB[p.i()] = true;
                usedC[p.j()] = true;
                ious.add(p.iou());
                paired++;
            }
        }
        unpaired[0] += b.size() - paired;
        unpaired[1] += c.size() - paired;
        return true;
    }

    static double iou(BoundingBox a, BoundingBox b) {
        double ix = Math.max(0, Math.min(a.getXMax(), b.getXMax()) - Math.max(a.getXMin(), b.getXMin()));
        double iy = Math.max(0, Math.min(a.getYMax(), b.getYMax()) - Math.max(a.getYMin(), b.getYMin()));
        double intersection = ix * iy;
        double union = area(a) + area(b) - intersection;
        if (union <= 0) {
            return a.equals(b) ? 1 : 0;
        }
        return intersection / union;
    }

    private static double area(BoundingBox box) {
        return Math.max(0, box.getXMax() - box.getXMin()) * Math.max(0, box.getYMax() - box.getYMin());
    }

    private static Percentiles percentiles(List<Double> values) {
        return new Percentiles(values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
