package reluflow.job.source;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import reluflow.job.JobTestSupport;

class KafkaFrameSourceTest {
    private static final Path MODEL = Path.of("model.onnx");

    @Test
    void consumerPollsAsMeasuredAndReadsCommittedUnlessTheJobSaysOtherwise() {
        Properties defaults = KafkaFrameSource.consumerProperties(JobTestSupport.config(MODEL));
        assertThat(defaults.getProperty("max.poll.records")).isEqualTo("2000");
        assertThat(defaults.getProperty("isolation.level")).isEqualTo("read_committed");
        assertThat(defaults.getProperty("commit.offsets.on.checkpoint")).isEqualTo("true");

        Properties overridden = KafkaFrameSource.consumerProperties(JobTestSupport.config(MODEL,
                "kafka.properties.max.poll.records", "500", "kafka.properties.isolation.level", "read_uncommitted"));
        assertThat(overridden.getProperty("max.poll.records")).isEqualTo("500");
        assertThat(overridden.getProperty("isolation.level")).isEqualTo("read_uncommitted");
        assertThat(overridden.getProperty("commit.offsets.on.checkpoint")).isEqualTo("true");
    }
}
