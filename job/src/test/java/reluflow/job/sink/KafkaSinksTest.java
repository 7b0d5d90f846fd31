package reluflow.job.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import reluflow.job.JobTestSupport;

class KafkaSinksTest {
    private static final Path MODEL = Path.of("model.onnx");

    @Test
    void producersBatchAsMeasuredUnlessTheJobSaysOtherwise() {
        Properties defaults = KafkaSinks.producerProperties(JobTestSupport.config(MODEL));
        assertThat(defaults.getProperty("batch.size")).isEqualTo("262144");
        assertThat(defaults.getProperty("linger.ms")).isEqualTo("10");
        assertThat(defaults.getProperty("transaction.timeout.ms")).isNotBlank();

        Properties overridden = KafkaSinks.producerProperties(JobTestSupport.config(MODEL,
                "kafka.properties.linger.ms", "0", "kafka.properties.compression.type", "lz4"));
        assertThat(overridden.getProperty("linger.ms")).isEqualTo("0");
        assertThat(overridden.getProperty("batch.size")).isEqualTo("262144");
        assertThat(overridden.getProperty("compression.type")).isEqualTo("lz4");
    }
}
