package reluflow.engine.decode;

import java.util.ArrayList;
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

    @Override
    public List<Detection> decode(Map<String, TensorView> frameOutputs) {
        TensorView values = frameOutputs.get(output);
        float[] scores = scores(values);
        int k = Math.min(topK, scores.length);
        List<Detection> detections = new ArrayList<>(k);
        boolean[] taken = new boolean[scores.length];
        for (int rank = 0; rank < k; rank++) {
            int best = -1;
            for (int c = 0; c < scores.length; c++) {
                if (!taken[c] && (best < 0 || scores[c] > scores[best])) {
                    best = c;
                }
            }
            if (best < 0 || !(scores[best] >= minScore)) {
                break;
            }
            taken[best] = true;
            // The all-fields constructor: Avro's builders validate and copy every field, per detection.
            detections.add(new Detection(best, labels.label(best), scores[best], null));
        }
        return detections;
    }

    private float[] scores(TensorView values) {
        int n = values.size();
        float[] raw = new float[n];
        for (int i = 0; i < n; i++) {
            raw[i] = values.get(i);
        }
        ScoreActivation effective = activation == ScoreActivation.AUTO
                ? (areProbabilities(raw) ? ScoreActivation.NONE : ScoreActivation.SOFTMAX)
                : activation;
        switch (effective) {
            case SOFTMAX -> softmax(raw);
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    raw[i] = (float) (1.0 / (1.0 + Math.exp(-raw[i])));
                }
            }
            default -> { }
        }
        return raw;
    }

    private static boolean areProbabilities(float[] values) {
        double sum = 0;
        for (float v : values) {
            if (!(v >= 0f && v <= 1f)) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1.0) <= PROBABILITY_SUM_TOLERANCE;
    }

    private static void softmax(float[] values) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < values.length; i++) {
            double e = Math.exp(values[i] - max);
            values[i] = (float) e;
            sum += e;
        }
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (values[i] / sum);
        }
    }
}
