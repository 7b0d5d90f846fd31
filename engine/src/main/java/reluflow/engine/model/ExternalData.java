package reluflow.engine.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import reluflow.engine.EngineException;

/**
 * Models saved with external data keep large weights in side files. Sessions are created from bytes
 * (the instrumented model exists only in memory), so the weights are read into the model here.
 * A location that leaves the model's own directory is refused: a model file must not make the job
 * read arbitrary files.
 */
public final class ExternalData {
    private ExternalData() {
    }

    public static OnnxMl.ModelProto inline(OnnxMl.ModelProto model, Path modelPath) throws EngineException {
        OnnxMl.GraphProto graph = model.getGraph();
        boolean any = graph.getInitializerList().stream()
                .anyMatch(t -> t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL);
        if (!any) {
            return model;
        }
        Path directory = modelPath.toAbsolutePath().normalize().getParent();
        OnnxMl.GraphProto.Builder builder = graph.toBuilder();
        for (int i = 0; i < builder.getInitializerCount(); i++) {
            OnnxMl.TensorProto tensor = builder.getInitializer(i);
            if (tensor.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                builder.setInitializer(i, load(tensor, directory, modelPath));
            }
        }
        return model.toBuilder().setGraph(builder).build();
    }

    private static OnnxMl.TensorProto load(OnnxMl.TensorProto tensor, Path directory, Path modelPath) throws EngineException {
        String location = null;
        long offset = 0;
        long length = -1;
        for (OnnxMl.StringStringEntryProto entry : tensor.getExternalDataList()) {
            switch (entry.getKey()) {
                case "location" -> location = entry.getValue();
                case "offset" -> offset = Long.parseLong(entry.getValue());
                case "length" -> length = Long.parseLong(entry.getValue());
                default -> { }
            }
        }
        if (location == null) {
            throw new EngineException("Model " + modelPath + ": initializer '" + tensor.getName() + "' is external but names no location");
        }
        Path file = directory.resolve(location).normalize();
        if (!file.startsWith(directory)) {
            throw new EngineException("Model " + modelPath + ": initializer '" + tensor.getName() + "' references external data '"
                    + location + "' outside the model's directory " + directory + "; refusing to read it");
        }
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long size = length >= 0 ? length : in.length() - offset;
            if (size > Integer.MAX_VALUE - 8 || offset + size > in.length()) {
                throw new EngineException("Model " + modelPath + ": external data for '" + tensor.getName() + "' (" + size
                        + " bytes at offset " + offset + " of " + file + ") is out of range");
            }
            byte[] data = new byte[(int) size];
            in.seek(offset);
            in.readFully(data);
            return tensor.toBuilder()
                    .clearExternalData()
                    .setDataLocation(OnnxMl.TensorProto.DataLocation.DEFAULT)
                    .setRawData(ByteString.copyFrom(data))
                    .build();
        } catch (IOException e) {
            throw new EngineException("Model " + modelPath + ": external data file " + file + " for '" + tensor.getName()
                    + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
