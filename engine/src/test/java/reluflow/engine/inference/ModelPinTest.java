package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.engine.EngineException;
import reluflow.engine.TinyModel;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;

/** model.sha256: a pinned model starts only when the file is byte for byte the pinned one. */
class ModelPinTest {
    @TempDir
    Path dir;

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void theRightHashStartsInAnyCaseAndNoPinIsTheDefault() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        EngineConfig cpu = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU);
        assertThat(cpu.modelSha256()).isNull();
        String hash = sha256(model);
        try (InferenceEngine engine = InferenceEngine.open(cpu.withModelSha256(hash.toUpperCase()))) {
            assertThat(engine.identity().getSha256()).isEqualTo(hash);
        }
    }

    @Test
    void anotherFileRefusesToStartNamingTheFileAndBothHashes() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        String pinned = sha256(model);
        // Another valid model under the same name: it would load and run, only the pin can tell.
        Path replaced = TinyModel.matMulAddRelu().writeTo(dir, "model.onnx");
        String actual = sha256(replaced);
        assertThat(actual).isNotEqualTo(pinned);
        EngineConfig config = EngineConfig.defaults(replaced).withProvider(ExecutionProvider.CPU).withModelSha256(pinned);
        assertThatThrownBy(() -> InferenceEngine.open(config))
                .isInstanceOf(EngineException.class)
                .hasMessage("Model file " + replaced + " has SHA-256 " + actual + " but model.sha256 expects " + pinned
                        + ": the file was replaced or damaged; deploy the pinned model or update the pin");
        // The in-memory path (models read through Flink file systems) checks the same pin.
        assertThatThrownBy(() -> InferenceEngine.open(config, Files.readAllBytes(replaced)))
                .isInstanceOf(EngineException.class).hasMessageContaining("expects " + pinned);
    }

    @Test
    void aPinThatIsNotAHashIsAConfigurationError() throws Exception {
        Path model = TinyModel.gemmRelu().writeTo(dir, "model.onnx");
        EngineConfig config = EngineConfig.defaults(model).withProvider(ExecutionProvider.CPU).withModelSha256("abc123");
        assertThatThrownBy(config::validate)
                .isInstanceOf(EngineException.class)
                .hasMessage("model.sha256 (--model-sha256) must be 64 hex digits as sha256sum prints them, got 'abc123'");
    }
}
