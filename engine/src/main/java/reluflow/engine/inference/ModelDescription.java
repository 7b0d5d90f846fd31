package reluflow.engine.inference;

import java.util.List;
import java.util.Map;
import reluflow.avro.ModelIdentity;
import reluflow.engine.config.ExecutionProvider;
import reluflow.engine.model.TensorSpec;

/** What the engine found in the model, for `model inspect`, logs and reports. */
public record ModelDescription(
        ModelIdentity identity,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        String frameInput,
        String frameShape,
        boolean batching,
        List<LayerInfo> layers,
        String decoder,
        ExecutionProvider provider,
        Map<String, String> metadata) {

    /**
     * @param units neurons or channels, -1 until a first run has shown the layer's shape
     * @param activationsPerFrame activation values per frame, -1 until known
     */
    public record LayerInfo(String name, String opType, String producerOpType, int unitAxis, long units, long activationsPerFrame) {
    }
}
