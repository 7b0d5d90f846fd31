package reluflow.engine.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import reluflow.engine.model.ReluLayer;

/**
 * The input tensor and output tensors of one batch size, over direct buffers that ONNX Runtime reads
 * and writes in place ("pinned"): made once per batch size, session and thread, then reused, so a
 * batch creates no tensor and allocates no native memory. Frames are copied into {@link #input}; a
 * run writes every output into its buffer.
 */
final class PinnedTensors implements AutoCloseable {
    final ByteBuffer input;
    final OnnxTensor inputTensor;
    /** The run's input map, made once: {input name: inputTensor}. */
    final Map<String, OnnxTensor> feed;
    final Map<String, OnnxTensor> tensors = new HashMap<>();
    final Map<String, FloatBuffer> buffers = new HashMap<>();
    /** The same outputs' values as raw float bits: ReLU layers are copied out of them in bulk to be counted. */
    final Map<String, IntBuffer> bits = new HashMap<>();
    final Map<String, long[]> shapes;
    /** The ReLU layers' outputs by layer index, made on the first instrumented batch: the same for every batch. */
    private LayerOutputs layerOutputs;

    private PinnedTensors(String inputName, ByteBuffer input, OnnxTensor inputTensor, Map<String, long[]> shapes) {
        this.input = input;
        this.inputTensor = inputTensor;
        this.feed = Map.of(inputName, inputTensor);
        this.shapes = shapes;
    }

    /**
     * @param inputName the model input the frames feed
     * @param inputShape the input's full shape for this batch size
     * @param uint8Input whether the model takes UINT8 (else FLOAT)
     * @param shapes each output's full shape for this batch size
     */
    static PinnedTensors allocate(OrtEnvironment environment, String inputName, long[] inputShape, boolean uint8Input, Map<String, long[]> shapes)
            throws OrtException {
        ByteBuffer input = ByteBuffer.allocateDirect(Math.toIntExact(elements(inputShape) * (uint8Input ? 1 : Float.BYTES)))
                .order(ByteOrder.nativeOrder());
        OnnxTensor inputTensor = uint8Input
                ? OnnxTensor.createTensor(environment, input, inputShape, OnnxJavaType.UINT8)
                : OnnxTensor.createTensor(environment, input.asFloatBuffer(), inputShape);
        PinnedTensors pinned = new PinnedTensors(inputName, input, inputTensor, shapes);
        try {
            for (Map.Entry<String, long[]> output : shapes.entrySet()) {
                ByteBuffer bytes = ByteBuffer.allocateDirect(Math.toIntExact(elements(output.getValue()) * Float.BYTES))
                        .order(ByteOrder.nativeOrder());
                FloatBuffer buffer = bytes.asFloatBuffer();
                pinned.buffers.put(output.getKey(), buffer);
                pinned.bits.put(output.getKey(), bytes.asIntBuffer());
                pinned.tensors.put(output.getKey(), OnnxTensor.createTensor(environment, buffer, output.getValue()));
            }
            return pinned;
        } catch (OrtException | RuntimeException e) {
            pinned.close();
            throw e;
        }
    }

    /** The ReLU layers' outputs among these tensors, for the engine's layers in their order. */
    LayerOutputs layerOutputs(List<ReluLayer> layers) {
        if (layerOutputs == null) {
            layerOutputs = LayerOutputs.of(layers, bits, shapes);
        }
        return layerOutputs;
    }

    private static long elements(long[] shape) {
        long elements = 1;
        for (long d : shape) {
            elements *= d;
        }
        return elements;
    }

    @Override
    public void close() {
        inputTensor.close();
        tensors.values().forEach(OnnxTensor::close);
        tensors.clear();
    }
}
