package reluflow.engine.decode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reluflow.avro.Detection;
import reluflow.engine.EngineException;
import reluflow.engine.config.DecoderConfig.ScoreActivation;

/** A classifier head: class logits or probabilities -> the top-k classes scoring at least minScore. */
public final class ClassifierDecoder implements DetectionDecoder {
    private static final double PROBABILITY_SUM_TOLERANCE = 1e-3;

    private final String output;
    private final ScoreActivation activation;
    private final int topK;
    private final double minScore;
    private final Labels labels;
    /** Values copied out of ONNX Runtime's buffer in one bulk copy: the loops read arrays, not a direct buffer. */
    private final ThreadLocal<float[]> valuesScratch = ThreadLocal.withInitial(() -> new float[0]);

    public ClassifierDecoder(String output, ScoreActivation activation, int topK, double minScore, Labels labels) {
        this.output = output;
        this.activation = activation;
        this.topK = topK;
        this.minScore = minScore;
        this.labels = labels;
    }

    @Override
    public Set<String> outputs() {
        return Set.of(output);
    }

    @Override
    public void checkShapes(Map<String, long[]> frameOutputShapes) throws EngineException {
        long classes = 1;
        for (long d : frameOutputShapes.get(output)) {
            classes *= d;
        }
        labels.check(classes);
    }

    /**
     * Softmax and sigmoid keep the order of the raw values, so classes are ranked on the raw values and
     * only the k that are reported are transformed (softmax still needs one exp per class for its sum).
     */
    @Override
    public List<Detection> decode(Map<String, TensorView> frameOutputs) {
        TensorView view = frameOutputs.get(output);
        if (topK == 1) {
            float[] values = scratch(view.size());
            view.copyTo(0, values, view.size());
            return top1(values, 0, view.size());
        }
        // Softmax reads every value three times: one bulk copy of the frame's few values, then array loops.
        float[] values = view.toArray();
        int from = 0;
        int n = values.length;
        ScoreActivation effective = activation == ScoreActivation.AUTO
                ? (areProbabilities(values, from, n) ? ScoreActivation.NONE : ScoreActivation.SOFTMAX)
                : activation;
        float max = Float.NEGATIVE_INFINITY;
        // A double sum: a float one loses digits over the thousand classes of an ImageNet head.
        double sum = 0;
        if (effective == ScoreActivation.SOFTMAX) {
            for (int i = from; i < from + n; i++) {
                max = Math.max(max, values[i]);
            }
            for (int i = from; i < from + n; i++) {
                sum += FloatExp.exp(values[i] - max);
            }
        }
        int k = Math.min(topK, n);
        if (k == 1) {
            int best = argmax(values, from, n, null);
            float score = score(effective, values[from + best], max, sum);
            return score >= minScore ? List.of(detection(best, score)) : List.of();
        }
        List<Detection> detections = new ArrayList<>(k);
        boolean[] taken = new boolean[n];
        for (int rank = 0; rank < k; rank++) {
            int best = argmax(values, from, n, taken);
            float score = score(effective, values[from + best], max, sum);
            if (!(score >= minScore)) {
                break;
            }
            taken[best] = true;
            detections.add(detection(best, score));
        }
        return detections;
    }

    /**
     * Top-1 over a whole batch: one bulk copy of the batch's values out of ONNX Runtime's buffer, then the
     * same array loops as {@link #decode}, frame after frame, with no per-frame view or map (a test holds
     * the results equal). The decode was the MLP engine's largest cost outside ONNX Runtime; batched, the
     * engine/raw ratio at batch 32 read 0.52, 0.52, 0.50 against 0.49, 0.49, 0.48 (three alternating runs of
     * {@code ./reluflow bench --models mlp --batches 32 --skip-pipeline}).
     */
    @Override
    public List<List<Detection>> decodeBatch(BatchOutputs batch) {
        int o = batch.indexOf(output);
        int n = batch.frames();
        int classes = batch.size()[o];
        // Top-k ranks within a frame, and an output without the batch axis is one frame's values shared by all.
        if (topK != 1 || batch.stride()[o] != classes) {
            return DetectionDecoder.super.decodeBatch(batch);
        }
        float[] values = scratch(n * classes);
        batch.data()[o].get(0, values, 0, n * classes);
        @SuppressWarnings("unchecked")
        List<Detection>[] detections = (List<Detection>[]) new List<?>[n];
        for (int f = 0; f < n; f++) {
            detections[f] = top1(values, f * classes, classes);
        }
        return Arrays.asList(detections);
    }

    /** This thread's array of at least {@code length} floats. */
    private float[] scratch(int length) {
        float[] values = valuesScratch.get();
        if (values.length < length) {
            values = new float[length];
            valuesScratch.set(values);
        }
        return values;
    }

    /**
     * Top-1, the common case: one pass finds the class and whether the values could be probabilities, a
     * second sums the softmax. Same results as the general path (a test holds them equal).
     */
    private List<Detection> top1(float[] values, int from, int n) {
        if (n == 0) {
            return List.of();
        }
        int best = 0;
        float max = values[from];
        boolean inUnitRange = true;
        for (int c = 0; c < n; c++) {
            float v = values[from + c];
            // Strictly greater: the first of equal values wins, and a NaN never wins unless it comes first.
            if (v > max) {
                max = v;
                best = c;
            }
            inUnitRange &= v >= 0f && v <= 1f;
        }
        // Logits nearly always have a value outside [0, 1], so their sum (a chain of dependent adds, in the
        // general path's order) is only taken for values that could be probabilities.
        ScoreActivation effective = activation == ScoreActivation.AUTO
                ? (inUnitRange && Math.abs(sum(values, from, n) - 1.0) <= PROBABILITY_SUM_TOLERANCE ? ScoreActivation.NONE : ScoreActivation.SOFTMAX)
                : activation;
        float score;
        if (effective == ScoreActivation.SOFTMAX) {
            double sum = 0;
            // A NaN anywhere makes the sum, so the score, NaN: nothing is reported, as in the general path, whose
            // max is then NaN.
            for (int c = 0; c < n; c++) {
                sum += FloatExp.expNonPositive(values[from + c] - max);
            }
            // The top class's own term is e^0, exactly 1: its score needs no exp of its own.
            score = (float) (1.0 / sum);
        } else {
            score = score(effective, max, max, 0);
        }
        return score >= minScore ? List.of(detection(best, score)) : List.of();
    }

    private static double sum(float[] values, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            sum += values[i];
        }
        return sum;
    }

    /** The first index holding the largest value not yet taken; NaN never wins unless it comes first. */
    private static int argmax(float[] values, int from, int n, boolean[] taken) {
        int best = -1;
        for (int c = 0; c < n; c++) {
            if ((taken == null || !taken[c]) && (best < 0 || values[from + c] > values[from + best])) {
                best = c;
            }
        }
        return best;
    }

    private static float score(ScoreActivation activation, float raw, float max, double softmaxSum) {
        return switch (activation) {
            case SOFTMAX -> (float) (FloatExp.exp(raw - max) / softmaxSum);
            case SIGMOID -> 1f / (1f + FloatExp.exp(-raw));
            default -> raw;
        };
    }

    private Detection detection(int classIndex, float score) {
        return DetectionDecoder.detection(classIndex, labels.label(classIndex), score, null);
    }

    private static boolean areProbabilities(float[] values, int from, int n) {
        double sum = 0;
        for (int i = from; i < from + n; i++) {
            float v = values[i];
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1.0) <= PROBABILITY_SUM_TOLERANCE;
    }
}
