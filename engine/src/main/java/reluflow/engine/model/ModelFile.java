package reluflow.engine.model;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import reluflow.engine.EngineException;

/** An ONNX model file read once: its bytes, its SHA-256 and its parsed graph. */
public final class ModelFile {
    private final Path path;
    private final byte[] bytes;
    private final String sha256;
    private final OnnxMl.ModelProto proto;

    private ModelFile(Path path, byte[] bytes, String sha256, OnnxMl.ModelProto proto) {
        this.path = path;
        this.bytes = bytes;
        this.sha256 = sha256;
        this.proto = proto;
    }

    public static ModelFile read(Path path) throws EngineException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(path);
        } catch (NoSuchFileException e) {
            throw new EngineException("Model file " + path.toAbsolutePath() + " does not exist: set the model path to an .onnx file");
        } catch (IOException e) {
            throw new EngineException("Model file " + path.toAbsolutePath() + " cannot be read: " + e.getMessage(), e);
        }
        return fromBytes(path, bytes);
    }

    public static ModelFile fromBytes(Path path, byte[] bytes) throws EngineException {
        if (bytes.length == 0) {
            throw new EngineException("Model file " + path + " is empty: it is not an ONNX model");
        }
        OnnxMl.ModelProto proto;
        try {
            proto = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new EngineException("Model file " + path + " is not an ONNX model (protobuf parse failed: " + e.getMessage() + ")", e);
        }
        // Random bytes sometimes parse as a protobuf; a model without a graph is corrupt all the same.
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0 || proto.getGraph().getInputCount() == 0) {
            throw new EngineException("Model file " + path + " is not a valid ONNX model: it has no graph with inputs and nodes");
        }
        return new ModelFile(path, bytes, sha256(bytes), proto);
    }

    public Path path() {
        return path;
    }

    public byte[] bytes() {
        return bytes;
    }

    public String sha256() {
        return sha256;
    }

    public OnnxMl.ModelProto proto() {
        return proto;
    }

    /** Name to stamp on outputs when the configuration gives none: the file name without .onnx. */
    public String defaultName() {
        String file = path.getFileName().toString();
        return file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    }

    /** The model_version field when set (ONNX's 0 means unset). */
    public String defaultVersion() {
        return proto.getModelVersion() > 0 ? Long.toString(proto.getModelVersion()) : "";
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
