package reluflow.engine.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Output tensors over direct buffers that ONNX Runtime writes into ("pinned outputs"): made once
 * per batch size and thread, then reused, so no output is allocated or copied per batch.
 */
final class PinnedOutputs implements AutoCloseable {
    final Map<String, OnnxTensor> tensors = new HashMap<>();
    final Map<String, FloatBuffer> buffers = new HashMap<>();
    final Map<String, long[]> shapes;

    private PinnedOutputs(Map<String, long[]> shapes) {
        this.shapes = shapes;
    }

    /** @param shapes each output's full shape for this batch size */
    static PinnedOutputs allocate(OrtEnvironment environment, Map<String, long[]> shapes) throws OrtException {
        PinnedOutputs pinned = new PinnedOutputs(shapes);
        try {
            for (Map.Entry<String, long[]> output : shapes.entrySet()) {
                long elements = 1;
                for (long d : output.getValue()) {
                    elements *= d;
                }
                FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(elements * Float.BYTES))
                        .order(ByteOrder.nativeOrder()).asFloatBuffer();
                pinned.buffers.put(output.getKey(), buffer);
                pinned.tensors.put(output.getKey(), OnnxTensor.createTensor(environment, buffer, output.getValue()));
            }
            return pinned;
        } catch (OrtException | RuntimeException e) {
            pinned.close();
            throw e;
        }
    }

    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
        tensors.clear();
    }
}
