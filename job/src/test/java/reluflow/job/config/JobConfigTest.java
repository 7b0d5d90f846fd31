package reluflow.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.job.JobTestSupport;

class JobConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDocumentedOnes() {
        JobConfig config = JobTestSupport.config(Path.of("m.onnx"));
        assertThat(config.batchMaxSize()).isEqualTo(128);
        assertThat(config.batchMaxWait()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.sparsityWindow()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.delivery()).isEqualTo(DeliveryMode.EXACTLY_ONCE);
        assertThat(config.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.framesTopic()).isEqualTo("frames");
        assertThat(config.startingOffsets()).isEqualTo(StartingOffsets.COMMITTED);
    }

    @Test
    void unknownKeysFailAndSuggestTheNearestOption() {
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "batch.max-sise", "8")))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("Unknown option 'batch.max-sise' (did you mean 'batch.max-size'?)");
    }

    @Test
    void badValuesNameTheirKey() {
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "batch.max-size", "lots")))
                .isInstanceOf(InvalidConfigException.class).hasMessageStartingWith("Option 'batch.max-size' has a bad value 'lots'");
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "batch.max-size", "0")))
                .hasMessage("Option 'batch.max-size' must be >= 1, got 0");
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "delivery.guarantee", "maybe")))
                .hasMessageStartingWith("Option 'delivery.guarantee' has a bad value 'maybe'");
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "sparsity.sample-rate", "2")))
                .hasMessage("sample-rate must be within [0, 1], got 2.0");
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "kafka.starting-offsets", "TIMESTAMP")))
                .hasMessageContaining("set 'kafka.starting-timestamp'");
        assertThatThrownBy(() -> JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"), "checkpoint.interval", "0 s")))
                .hasMessageContaining("set 'checkpoint.interval' above 0, or use AT_LEAST_ONCE");
    }

    @Test
    void requiredOptionsAreRequired() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("model.path", "m.onnx")).requireKafka())
                .hasMessageStartingWith("Option 'kafka.bootstrap-servers' is required");
        assertThatThrownBy(() -> JobConfig.of(Map.of("kafka.bootstrap-servers", "h:1")))
                .hasMessageStartingWith("Option 'model.path' is required");
    }

    @Test
    void kafkaPropertiesPassThroughAndSecretsAreMasked() {
        JobConfig config = JobConfig.of(JobTestSupport.settings(Path.of("m.onnx"),
                "kafka.properties.security.protocol", "SASL_SSL",
                "kafka.properties.sasl.jaas.config", "PlainLoginModule required username=\"u\" password=\"hunter2\";",
                "kafka.properties.ssl.truststore.password", "changeit"));
        assertThat(config.kafkaProperties()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("ssl.truststore.password", "changeit");
        assertThat(config.describe()).contains("kafka.properties.security.protocol: SASL_SSL")
                .contains("kafka.properties.sasl.jaas.config: ******")
                .contains("kafka.properties.ssl.truststore.password: ******")
                .doesNotContain("hunter2").doesNotContain("changeit");
    }

    @Test
    void yamlFileAndArgumentsCombineArgumentsWinning() throws Exception {
        Path yaml = Files.writeString(dir.resolve("job.yaml"), """
                kafka:
                  bootstrap-servers: broker:9092
                  frames-topic: camera-frames
                batch.max-size: 64
                model:
                  path: /models/m.onnx
                flink:
                  state.backend.type: hashmap
                """);
        JobConfig config = ConfigLoader.fromArgs("--config", yaml.toString(), "--batch.max-size", "16", "--sparsity.per-sensor=true");
        assertThat(config.bootstrapServers()).isEqualTo("broker:9092");
        assertThat(config.framesTopic()).isEqualTo("camera-frames");
        assertThat(config.batchMaxSize()).isEqualTo(16);
        assertThat(config.sparsityPerSensor()).isTrue();
        assertThat(config.modelPath()).isEqualTo("/models/m.onnx");
        assertThat(config.flinkConfiguration().toMap()).containsEntry("state.backend.type", "hashmap");
        assertThatThrownBy(() -> ConfigLoader.fromArgs("--config", dir.resolve("none.yaml").toString()))
                .hasMessageContaining("none.yaml does not exist");
        assertThatThrownBy(() -> ConfigLoader.fromArgs("--batch.max-size")).hasMessage("Option 'batch.max-size' needs a value");
    }
}
