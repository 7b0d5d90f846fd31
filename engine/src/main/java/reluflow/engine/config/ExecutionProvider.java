package reluflow.engine.config;

/** Where ONNX Runtime runs the model. */
public enum ExecutionProvider {
    /** CUDA when the GPU build runs on a machine with a GPU, otherwise CPU (with one warning). */
    AUTO,
    CPU,
    /** CUDA or fail at start-up. */
    CUDA
}
