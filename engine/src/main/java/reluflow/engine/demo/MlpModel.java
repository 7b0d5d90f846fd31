package reluflow.engine.demo;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Hand-set weights for the MLP demo. For Gaussian classes with equal isotropic covariance the
 * Bayes-optimal logits are linear: {@code (mu_c . x - |mu_c|^2 / 2) / sigma^2}. The network carries
 * each logit through two ReLU layers as a pair of units {@code relu(s)} and {@code relu(-s)}, whose
 * difference restores {@code s} exactly, so the ReLUs cost no accuracy while still producing
 * genuinely data-dependent sparsity (for a given frame only the own-class "+" unit and most "-"
 * units fire). Around that core sit units that fire on noise and units that never fire at all,
 * which is what an activation-sparsity report on a real pruned network looks like.
 */
final class MlpModel {

    static final String INPUT = "features";
    static final String OUTPUT = "logits";
    static final String FC1_RELU = "fc1_relu";
    static final String FC2_RELU = "fc2_relu";

    static final int HIDDEN1 = 32;
    static final int HIDDEN2 = 24;

    /** Layer-1 units 16..25 respond to arbitrary directions; 26..31 are dead. */
    private static final int H1_NOISE_FROM = 2 * MlpTask.CLASSES;
    static final int H1_DEAD_FROM = 26;
    /** Layer-2 units 16..19 mix the noise units; 20..23 are dead. */
    private static final int H2_NOISE_FROM = 2 * MlpTask.CLASSES;
    static final int H2_DEAD_FROM = 20;

    private static final long WEIGHT_SEED = 0x5EED_0002L;

    private MlpModel() {
    }

    static ModelProto build() {
        Random random = new Random(WEIGHT_SEED);
        int f = MlpTask.FEATURES;
        int c = MlpTask.CLASSES;

        GraphBuilder g = new GraphBuilder("reluflow_demo_mlp",
                "Machine-condition classifier over 64 vibration features: Gemm+Relu, MatMul+Add+Relu, Gemm.");
        g.input(INPUT, null, (long) f);
        g.output(OUTPUT, null, (long) c);

        g.floats("fc1.weight", layer1Weights(random), HIDDEN1, f);
        g.floats("fc1.bias", layer1Bias(), HIDDEN1);
        g.floats("fc2.weight", layer2Weights(random), HIDDEN1, HIDDEN2);
        g.floats("fc2.bias", layer2Bias(), HIDDEN2);
        g.floats("out.weight", outputWeights(), c, HIDDEN2);
        g.floats("out.bias", new float[c], c);

        // transB=1 is the layout PyTorch exports for nn.Linear, so fc1/out look like a real export.
        g.node("Gemm", "fc1/Gemm", new String[] {INPUT, "fc1.weight", "fc1.bias"}, "fc1_gemm",
                GraphBuilder.intAttr("transB", 1));
        g.node("Relu", "fc1/Relu", new String[] {"fc1_gemm"}, FC1_RELU);
        g.node("MatMul", "fc2/MatMul", new String[] {FC1_RELU, "fc2.weight"}, "fc2_matmul");
        g.node("Add", "fc2/Add", new String[] {"fc2_matmul", "fc2.bias"}, "fc2_add");
        g.node("Relu", "fc2/Relu", new String[] {"fc2_add"}, FC2_RELU);
        g.node("Gemm", "out/Gemm", new String[] {FC2_RELU, "out.weight", "out.bias"}, OUTPUT,
                GraphBuilder.intAttr("transB", 1));

        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("reluflow.decoder", "classifier");
        meta.put("reluflow.labels", String.join(",", MlpTask.LABELS));
        // Raw logits: the engine should softmax them to get calibrated class probabilities.
        meta.put("reluflow.score-activation", "softmax");
        meta.put("reluflow.demo", "mlp");
        return g.model("ReluFlow demo MLP: 8-class classifier with hand-set Bayes-optimal weights and "
                + "deliberately dead hidden units (fc1 units 26-31, fc2 units 20-23).", meta);
    }

    /** Row-major [HIDDEN1, FEATURES], i.e. already transposed for Gemm transB=1. */
    private static float[] layer1Weights(Random random) {
        int f = MlpTask.FEATURES;
        float scale = (float) (1.0 / (MlpTask.NOISE_SIGMA * MlpTask.NOISE_SIGMA));
        float[] w = new float[HIDDEN1 * f];
        for (int c = 0; c < MlpTask.CLASSES; c++) {
            float[] mu = MlpTask.prototype(c);
            for (int i = 0; i < f; i++) {
                w[c * f + i] = scale * mu[i];
                w[(c + MlpTask.CLASSES) * f + i] = -scale * mu[i];
            }
        }
        for (int u = H1_NOISE_FROM; u < HIDDEN1; u++) {
            // Dead units get small weights so that only their bias decides: nothing reaches 40.
            double std = u < H1_DEAD_FROM ? 0.15 : 0.02;
            for (int i = 0; i < f; i++) {
                w[u * f + i] = (float) (std * random.nextGaussian());
            }
        }
        return w;
    }

    private static float[] layer1Bias() {
        float scale = (float) (1.0 / (MlpTask.NOISE_SIGMA * MlpTask.NOISE_SIGMA));
        float[] b = new float[HIDDEN1];
        for (int c = 0; c < MlpTask.CLASSES; c++) {
            float[] mu = MlpTask.prototype(c);
            double sq = 0;
            for (float v : mu) {
                sq += v * v;
            }
            b[c] = (float) (-scale * sq / 2);
            b[c + MlpTask.CLASSES] = -b[c];
        }
        for (int u = H1_DEAD_FROM; u < HIDDEN1; u++) {
            b[u] = -40f;
        }
        return b;
    }

    /** Row-major [HIDDEN1, HIDDEN2] because MatMul multiplies activations on the left. */
    private static float[] layer2Weights(Random random) {
        int c = MlpTask.CLASSES;
        float[] w = new float[HIDDEN1 * HIDDEN2];
        for (int k = 0; k < c; k++) {
            w[k * HIDDEN2 + k] = 1f;
            w[(k + c) * HIDDEN2 + k] = -1f;
            w[k * HIDDEN2 + k + c] = -1f;
            w[(k + c) * HIDDEN2 + k + c] = 1f;
        }
        for (int j = H2_NOISE_FROM; j < H2_DEAD_FROM; j++) {
            for (int i = H1_NOISE_FROM; i < H1_DEAD_FROM; i++) {
                w[i * HIDDEN2 + j] = (float) (0.5 * random.nextGaussian());
            }
        }
        // Every layer-1 activation is >= 0, so all-negative weights plus a negative bias can
        // never produce a positive pre-activation: these units are dead by construction.
        for (int j = H2_DEAD_FROM; j < HIDDEN2; j++) {
            for (int i = 0; i < H1_DEAD_FROM; i++) {
                w[i * HIDDEN2 + j] = (float) (-0.1 * Math.abs(random.nextGaussian()));
            }
        }
        return w;
    }

    private static float[] layer2Bias() {
        float[] b = new float[HIDDEN2];
        for (int j = H2_NOISE_FROM; j < H2_DEAD_FROM; j++) {
            b[j] = -0.2f;
        }
        for (int j = H2_DEAD_FROM; j < HIDDEN2; j++) {
            b[j] = -1f;
        }
        return b;
    }

    /** Row-major [CLASSES, HIDDEN2] for Gemm transB=1: logit_c = relu(s_c) - relu(-s_c) = s_c. */
    private static float[] outputWeights() {
        int c = MlpTask.CLASSES;
        float[] w = new float[c * HIDDEN2];
        for (int k = 0; k < c; k++) {
            w[k * HIDDEN2 + k] = 1f;
            w[k * HIDDEN2 + k + c] = -1f;
        }
        return w;
    }
}
