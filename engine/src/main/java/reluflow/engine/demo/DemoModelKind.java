package reluflow.engine.demo;

/** The two bundled demo networks; each has a matching synthetic frame generator. */
public enum DemoModelKind {
    /** Dense classifier over 64-value sensor feature vectors (8 machine-condition classes). */
    MLP,
    /** Convolutional box detector over 1x32x32 greyscale images (small and large squares). */
    CNN
}
