package reluflow.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.engine.EngineException;
import reluflow.job.JobTestSupport;
import reluflow.job.ReluflowJob;

/** model.sha256 in the job: optional, validated as an option, checked before submission. */
class ModelPinConfigTest {
    @TempDir
    Path dir;

    @Test
    void unsetByDefaultAndPassedToTheEngine() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        assertThat(JobTestSupport.config(model).engineConfig().modelSha256()).isNull();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
        JobConfig pinned = JobTestSupport.config(model, "model.sha256", hash);
        assertThat(pinned.engineConfig().modelSha256()).isEqualTo(hash);
        assertThat(ReluflowJob.checkModel(pinned).getSha256()).isEqualTo(hash);
    }

    @Test
    void aMalformedPinFailsAtConfigurationNamingTheOption() {
        assertThatThrownBy(() -> JobTestSupport.config(Path.of("m.onnx"), "model.sha256", "sha256:abc"))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("model.sha256 (--model-sha256) must be 64 hex digits as sha256sum prints them, got 'sha256:abc'");
    }

    @Test
    void aDifferentModelFailsBeforeSubmission() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        String wrong = "f".repeat(64);
        JobConfig config = JobTestSupport.config(model, "model.sha256", wrong);
        assertThatThrownBy(() -> ReluflowJob.checkModel(config))
                .isInstanceOf(EngineException.class)
                .hasMessageStartingWith("Model file " + model + " has SHA-256 ")
                .hasMessageContaining("but model.sha256 expects " + wrong);
    }
}
