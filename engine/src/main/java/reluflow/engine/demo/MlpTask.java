package reluflow.engine.demo;

import java.util.List;
import java.util.Random;

/**
 * The classification problem shared by the MLP's weights and its synthetic frames: eight class
 * prototypes in a 64-value feature space, observed through isotropic Gaussian noise. Both sides
 * derive the prototypes from one fixed seed, so the model and the generator can never disagree.
 */
final class MlpTask {

    static final int FEATURES = 64;
    static final List<String> LABELS = List.of(
            "normal", "imbalance", "misalignment", "bearing-wear",
            "looseness", "cavitation", "overheating", "resonance");
    static final int CLASSES = LABELS.size();

    /**
     * Chosen so that the classes overlap a little: the Bayes-optimal classifier (which the MLP
     * implements) still errs on roughly one or two frames in a hundred, so accuracy is a real
     * measurement rather than a foregone 100%.
     */
    static final double NOISE_SIGMA = 2.0;

    private static final long PROTOTYPE_SEED = 0x5EED_0001L;
    private static final float[][] PROTOTYPES = prototypes();

    private MlpTask() {
    }

    /** A defensive copy; callers are model builders and generators that only read it. */
    static float[] prototype(int classIndex) {
        return PROTOTYPES[classIndex].clone();
    }

    private static float[][] prototypes() {
        Random random = new Random(PROTOTYPE_SEED);
        float[][] p = new float[CLASSES][FEATURES];
        for (int c = 0; c < CLASSES; c++) {
            for (int f = 0; f < FEATURES; f++) {
                p[c][f] = (float) random.nextGaussian();
            }
        }
        return p;
    }
}
