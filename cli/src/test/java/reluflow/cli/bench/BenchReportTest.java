package reluflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** Where the bench's own sender could not reach a load, the latency figures say so, with the figure that leaves its queue out. */
class BenchReportTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private ObjectNode latency(double targetRate, double sentRate, double fromAppendP99) {
        ObjectNode l = mapper.createObjectNode();
        l.put("target_rate", targetRate);
        l.put("sent_rate", sentRate);
        l.put("from_kafka_append_p99", fromAppendP99);
        return l;
    }

    @Test
    void aSenderShortOfTheLoadIsNamedWithTheLatencyFromTheBrokersAppend() {
        assertThat(BenchReport.senderShortfall(latency(127_000, 73_000, 32.4)))
                .isEqualTo(" [sender reached 57% of the load; p99 from the broker's append 32 ms]");
    }

    @Test
    void aSenderWithinFivePercentOfTheLoadIsNotFlagged() {
        assertThat(BenchReport.senderShortfall(latency(100_000, 95_000, 10))).isEmpty();
        assertThat(BenchReport.senderShortfall(latency(100_000, 100_400, 10))).isEmpty();
        assertThat(BenchReport.senderShortfall(mapper.createObjectNode())).isEmpty();
    }
}
