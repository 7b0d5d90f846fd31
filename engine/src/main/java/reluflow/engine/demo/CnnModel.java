package reluflow.engine.demo;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Hand-set weights for the CNN demo, a small edge-then-template detector:
 * <ol>
 *   <li>{@code conv1} (3x3) + ReLU6 finds the four kinds of step edge (dark-to-bright going left,
 *       right, up, down). ReLU6 matters here: with a steep slope it saturates, turning edges into
 *       near-binary maps so that the next layer counts edge pixels regardless of how bright a
 *       square is.</li>
 *   <li>{@code conv2} (11x11) + ReLU holds one template per square side: the fraction of the
 *       expected left, right, top and bottom edge pixels that are present for a box whose top-left
 *       corner is the output pixel. Only an exactly placed, exactly sized box has all four edges;
 *       a box off by one pixel or one size unit loses at least two of them, so the ReLU threshold
 *       at 60% keeps the response map very sparse.</li>
 *   <li>{@code head} (1x1) + Sigmoid maps the template score to a per-class probability.</li>
 * </ol>
 * Channels that look for nothing (conv1 channels 4-5, conv2 channels 6-7) are dead by
 * construction, standing in for the dead filters a sparsity report should find.
 */
final class CnnModel {

    static final String INPUT = "image";
    static final String BOXES = "boxes";
    static final String SCORES = "scores";
    static final String CONV1_RELU6 = "conv1_relu6";
    static final String CONV2_RELU = "conv2_relu";

    static final int CONV1_CHANNELS = 6;
    static final int CONV1_DEAD_FROM = 4;
    static final int CONV2_CHANNELS = 8;
    static final int CONV2_DEAD_FROM = CnnTask.SIDES.length;
    private static final int TEMPLATE = 11;

    /** Steepness and threshold of the edge detectors: a step of 0.2 is ignored, one of 0.4 saturates. */
    private static final float EDGE_GAIN = 30f;
    private static final float EDGE_THRESHOLD = 0.2f;
    private static final float RELU6_MAX = 6f;
    /** Template responses below this fraction of matched edge pixels are cut by the ReLU. */
    private static final float TEMPLATE_FLOOR = 0.6f;
    /** Score 0.5 at 80% of edge pixels matched; a perfect match scores about 0.99. */
    private static final float SCORE_GAIN = 25f;
    private static final float SCORE_HALF = 0.8f;

    private static final long WEIGHT_SEED = 0x5EED_0003L;

    private CnnModel() {
    }

    static ModelProto build() {
        Random random = new Random(WEIGHT_SEED);
        int sides = CnnTask.SIDES.length;
        int plane = CnnTask.SIZE * CnnTask.SIZE;

        GraphBuilder g = new GraphBuilder("reluflow_demo_cnn",
                "Square detector over 1x32x32 images: Conv+Clip(ReLU6) edges, Conv+Relu box templates, "
                        + "1x1 Conv+Sigmoid scores, constant anchor boxes.");
        g.input(INPUT, null, 1L, (long) CnnTask.SIZE, (long) CnnTask.SIZE);
        g.output(BOXES, null, (long) CnnTask.ANCHORS, 4L);
        g.output(SCORES, null, (long) CnnTask.ANCHORS, (long) CnnTask.CLASSES);

        g.floats("conv1.weight", conv1Weights(random), CONV1_CHANNELS, 1, 3, 3);
        g.floats("conv1.bias", conv1Bias(), CONV1_CHANNELS);
        g.floats("relu6.min", new float[] {0f});
        g.floats("relu6.max", new float[] {RELU6_MAX});
        g.floats("conv2.weight", conv2Weights(random), CONV2_CHANNELS, CONV1_CHANNELS, TEMPLATE, TEMPLATE);
        g.floats("conv2.bias", conv2Bias(), CONV2_CHANNELS);
        g.floats("head.weight", headWeights(), sides * CnnTask.CLASSES, CONV2_CHANNELS, 1, 1);
        g.floats("head.bias", headBias(), sides * CnnTask.CLASSES);
        g.longs("scores.split", new long[] {0, sides, CnnTask.CLASSES, plane}, 4);
        g.longs("scores.shape", new long[] {0, CnnTask.ANCHORS, CnnTask.CLASSES}, 3);
        g.floats("anchors", CnnTask.anchorBoxes(), 1, CnnTask.ANCHORS, 4);
        g.longs("batch.start", new long[] {0}, 1);
        g.longs("batch.end", new long[] {1}, 1);
        g.longs("boxes.tail", new long[] {CnnTask.ANCHORS, 4}, 2);

        g.node("Conv", "conv1/Conv", new String[] {INPUT, "conv1.weight", "conv1.bias"}, "conv1_out",
                GraphBuilder.intsAttr("kernel_shape", 3, 3), GraphBuilder.intsAttr("pads", 1, 1, 1, 1));
        g.node("Clip", "conv1/Relu6", new String[] {"conv1_out", "relu6.min", "relu6.max"}, CONV1_RELU6);
        // Padding only at the bottom/right makes output pixel (r, c) the template whose top-left
        // corner is input pixel (r, c), which is exactly the anchor layout in CnnTask.
        g.node("Conv", "conv2/Conv", new String[] {CONV1_RELU6, "conv2.weight", "conv2.bias"}, "conv2_out",
                GraphBuilder.intsAttr("kernel_shape", TEMPLATE, TEMPLATE),
                GraphBuilder.intsAttr("pads", 0, 0, TEMPLATE - 1, TEMPLATE - 1));
        g.node("Relu", "conv2/Relu", new String[] {"conv2_out"}, CONV2_RELU);
        g.node("Conv", "head/Conv", new String[] {CONV2_RELU, "head.weight", "head.bias"}, "head_logits",
                GraphBuilder.intsAttr("kernel_shape", 1, 1));
        g.node("Sigmoid", "head/Sigmoid", new String[] {"head_logits"}, "head_scores");
        // [N, sides*classes, H, W] -> [N, sides, classes, H*W] -> [N, sides, H*W, classes] -> [N, A, C]
        g.node("Reshape", "scores/Unfold", new String[] {"head_scores", "scores.split"}, "scores_split");
        g.node("Transpose", "scores/Transpose", new String[] {"scores_split"}, "scores_by_anchor",
                GraphBuilder.intsAttr("perm", 0, 1, 3, 2));
        g.node("Reshape", "scores/Flatten", new String[] {"scores_by_anchor", "scores.shape"}, SCORES);
        // Anchor boxes do not depend on the pixels, only the batch size must follow the input.
        g.node("Shape", "boxes/Shape", new String[] {INPUT}, "image_shape");
        g.node("Slice", "boxes/Batch", new String[] {"image_shape", "batch.start", "batch.end"}, "batch");
        g.node("Concat", "boxes/Shape3", new String[] {"batch", "boxes.tail"}, "boxes_shape",
                GraphBuilder.intAttr("axis", 0));
        g.node("Expand", "boxes/Expand", new String[] {"anchors", "boxes_shape"}, BOXES);

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("reluflow.decoder", "boxes");
        meta.put("reluflow.labels", String.join(",", CnnTask.LABELS));
        meta.put("reluflow.boxes-output", BOXES);
        meta.put("reluflow.scores-output", SCORES);
        // Scores are already sigmoid probabilities, meant for a 0.5 threshold and per-class NMS.
        meta.put("reluflow.score-activation", "none");
        meta.put("reluflow.score-threshold", "0.5");
        meta.put("reluflow.nms-iou", "0.5");
        meta.put("reluflow.demo", "cnn");
        return g.model("ReluFlow demo CNN: detects small (side 4-6 px) and large (side 9-11 px) bright "
                + "squares in 1x32x32 images; boxes [N,A,4] as normalised x_min,y_min,x_max,y_max, "
                + "scores [N,A,2] sigmoid probabilities; dead channels conv1 4-5, conv2 6-7.", meta);
    }

    /** Channels: 0 left edge, 1 right edge, 2 top edge, 3 bottom edge, 4-5 dead. */
    private static float[] conv1Weights(Random random) {
        float[] w = new float[CONV1_CHANNELS * 9];
        // Each edge pixel is bright and its neighbour on the named side is dark.
        int[] neighbour = {3, 5, 1, 7};
        for (int ch = 0; ch < 4; ch++) {
            w[ch * 9 + 4] = EDGE_GAIN;
            w[ch * 9 + neighbour[ch]] = -EDGE_GAIN;
        }
        for (int ch = CONV1_DEAD_FROM; ch < CONV1_CHANNELS; ch++) {
            for (int i = 0; i < 9; i++) {
                w[ch * 9 + i] = (float) (0.5 * random.nextGaussian());
            }
        }
        return w;
    }

    private static float[] conv1Bias() {
        float[] b = new float[CONV1_CHANNELS];
        for (int ch = 0; ch < 4; ch++) {
            b[ch] = -EDGE_GAIN * EDGE_THRESHOLD;
        }
        // Inputs are in [0, 1], so nine weights of |w| < ~2 cannot overcome -20.
        for (int ch = CONV1_DEAD_FROM; ch < CONV1_CHANNELS; ch++) {
            b[ch] = -20f;
        }
        return b;
    }

    private static float[] conv2Weights(Random random) {
        int in = CONV1_CHANNELS;
        int k2 = TEMPLATE * TEMPLATE;
        float[] w = new float[CONV2_CHANNELS * in * k2];
        for (int t = 0; t < CnnTask.SIDES.length; t++) {
            int s = CnnTask.SIDES[t];
            // Normalised so that all 4*s edge pixels saturated at 6 sum to exactly 1.
            float unit = 1f / (RELU6_MAX * 4 * s);
            for (int i = 0; i < s; i++) {
                w[idx(t, 0, i, 0)] = unit;
                w[idx(t, 1, i, s - 1)] = unit;
                w[idx(t, 2, 0, i)] = unit;
                w[idx(t, 3, s - 1, i)] = unit;
            }
        }
        // conv1 outputs are >= 0, so negative weights and bias keep these channels at zero.
        for (int o = CONV2_DEAD_FROM; o < CONV2_CHANNELS; o++) {
            for (int i = 0; i < in * k2; i++) {
                w[o * in * k2 + i] = (float) (-0.01 * Math.abs(random.nextGaussian()));
            }
        }
        return w;
    }

    private static int idx(int out, int in, int dy, int dx) {
        return ((out * CONV1_CHANNELS + in) * TEMPLATE + dy) * TEMPLATE + dx;
    }

    private static float[] conv2Bias() {
        float[] b = new float[CONV2_CHANNELS];
        for (int t = 0; t < CONV2_CHANNELS; t++) {
            b[t] = t < CONV2_DEAD_FROM ? -TEMPLATE_FLOOR : -1f;
        }
        return b;
    }

    /** Output channel CLASSES*t + c scores class c at template t; a template only speaks for its own class. */
    private static float[] headWeights() {
        int sides = CnnTask.SIDES.length;
        float[] w = new float[sides * CnnTask.CLASSES * CONV2_CHANNELS];
        for (int t = 0; t < sides; t++) {
            int out = CnnTask.CLASSES * t + CnnTask.SIDE_CLASS[t];
            w[out * CONV2_CHANNELS + t] = SCORE_GAIN;
        }
        return w;
    }

    private static float[] headBias() {
        int sides = CnnTask.SIDES.length;
        float[] b = new float[sides * CnnTask.CLASSES];
        for (int t = 0; t < sides; t++) {
            for (int c = 0; c < CnnTask.CLASSES; c++) {
                b[CnnTask.CLASSES * t + c] = c == CnnTask.SIDE_CLASS[t]
                        ? -SCORE_GAIN * (SCORE_HALF - TEMPLATE_FLOOR)
                        : -10f;
            }
        }
        return b;
    }
}
