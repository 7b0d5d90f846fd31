package reluflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Where the bench's own sender could not reach a load or held frames back, the latency figures say so, with the figure that leaves its queue out. */
class BenchReportTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private ObjectNode latency(double targetRate, double sentRate, double fromAppendP99) {
        ObjectNode l = mapper.createObjectNode();
        l.put("target_rate", targetRate);
        l.put("sent_rate", sentRate);
        l.put("from_kafka_append_p99", fromAppendP99);
        return l;
    }

    private ObjectNode latency(double targetRate, double sentRate, double toAppendP99, double fromAppendP99) {
        ObjectNode l = latency(targetRate, sentRate, fromAppendP99);
        l.put("sender_to_kafka_append_p99", toAppendP99);
        return l;
    }

    @Test
    void aSenderShortOfTheLoadIsNamedWithTheLatencyFromTheBrokersAppend() {
        assertThat(BenchReport.senderDelay(latency(127_000, 73_000, 32.4)))
                .isEqualTo(" [sender reached 57% of the load; p99 from the broker's append 32 ms]");
        assertThat(BenchReport.senderDelay(latency(127_000, 73_000, 250, 32.4)))
                .isEqualTo(" [sender reached 57% of the load; frames waited in the bench's sender, stamp -> broker's append p99 250 ms; "
                        + "p99 from the broker's append 32 ms]");
    }

    @Test
    void framesHeldInTheSendersProducerLongerThanTheJobTookAreNamedThoughTheSenderReachedTheLoad() {
        assertThat(BenchReport.senderDelay(latency(335_000, 334_000, 310, 41)))
                .isEqualTo(" [frames waited in the bench's sender, stamp -> broker's append p99 310 ms; p99 from the broker's append 41 ms]");
    }

    @Test
    void aSenderWithinFivePercentOfTheLoadWhoseFramesWentStraightIntoKafkaIsNotFlagged() {
        assertThat(BenchReport.senderDelay(latency(100_000, 95_000, 10))).isEmpty();
        assertThat(BenchReport.senderDelay(latency(100_000, 100_400, 10))).isEmpty();
        assertThat(BenchReport.senderDelay(latency(100_000, 100_000, 8, 30))).isEmpty();
        assertThat(BenchReport.senderDelay(latency(100_000, 100_000, 30, 30))).isEmpty();
        assertThat(BenchReport.senderDelay(mapper.createObjectNode())).isEmpty();
    }

    private ObjectNode warmUp(int runs, double seconds, Double jit, boolean settled) {
        ObjectNode w = mapper.createObjectNode();
        w.put("runs", runs);
        w.put("seconds", seconds);
        if (jit == null) {
            w.putNull("jit_cores_at_end");
        } else {
            w.put("jit_cores_at_end", jit);
        }
        w.put("jit_settled", settled);
        return w;
    }

    @Test
    void theWarmUpSaysHowLongItTookAndWhetherTheJitSettled() {
        assertThat(BenchReport.warmUp(warmUp(7, 66.4, 0.05, true)))
                .isEqualTo("warm-up before these: 7 untimed runs in 66 s; the JIT's share while paced in the last: 0.05 cores");
        assertThat(BenchReport.warmUp(warmUp(12, 181, 0.22, false)))
                .endsWith("0.22 cores (not settled within --warmup-max: the timed runs share the cores with it)");
        assertThat(BenchReport.warmUp(warmUp(1, 3, null, false)))
                .endsWith("not measured (paced phase under a second)");
    }

    private ObjectNode rounds(double[] plain, double[] raw) {
        ObjectNode r = mapper.createObjectNode();
        Arrays.stream(plain).forEach(r.putArray("plain")::add);
        Arrays.stream(raw).forEach(r.putArray("raw")::add);
        return r;
    }

    @Test
    void aRatioIsTheMedianOfTheRoundsRatiosSoOneDisturbedRoundDoesNotMoveIt() {
        // Round 3's plain slice met a burst of other work: a third of its rate.
        ObjectNode r = rounds(new double[] {90, 92, 30, 91, 89}, new double[] {100, 100, 100, 100, 100});
        assertThat(BenchReport.ratio(r, "plain", "raw", 392.0 / 500)).isCloseTo(0.90, within(1e-9));
        ObjectNode even = rounds(new double[] {80, 90, 95, 85}, new double[] {100, 100, 100, 100});
        assertThat(BenchReport.ratio(even, "plain", "raw", 0)).isCloseTo(0.875, within(1e-9));
    }

    @Test
    void theEngineTargetNamesWhatGettingTheFramesInLeavesOfTheRawCeiling() {
        ObjectNode root = mapper.createObjectNode();
        ObjectNode mlp = root.putObject("models").putObject("mlp");
        mlp.putObject("raw").put("32", 1000.0);
        mlp.putObject("raw_instrumented").put("32", 1000.0);
        mlp.putObject("raw_frames_in").put("32", 780.0);
        ObjectNode engine = mlp.putObject("engine");
        engine.putObject("plain").put("32", 550.0);
        engine.putObject("instrumented").put("32", 500.0);
        engine.putObject("sampled10").put("32", 540.0);
        ObjectNode rounds = rounds(new double[] {550, 540, 560}, new double[] {1000, 1000, 1000});
        // Round 2's frame I/O turn met a burst of other work.
        Arrays.stream(new double[] {810, 400, 800}).forEach(rounds.putArray("raw_frames_in")::add);
        mlp.putObject("rounds").set("32", rounds);

        new BenchReport(root).addRatiosAndTargets();

        assertThat(mlp.at("/ratios/raw_frames_in_over_raw/32").asDouble()).isCloseTo(0.80, within(1e-9));
        JsonNode engineTarget = root.get("targets").get(0);
        assertThat(engineTarget.get("target").asText()).isEqualTo("engine/raw at batch 32 (raw with the frames copied in from their records "
                + "and checked finite, over raw: 0.80)");
        assertThat(engineTarget.get("value").asDouble()).isCloseTo(0.55, within(1e-9));
        assertThat(engineTarget.get("met").asBoolean()).isFalse();
    }

    @Test
    void withoutRecordedRoundsTheRatioOfTheSummedRatesStands() {
        assertThat(BenchReport.ratio(mapper.createObjectNode(), "plain", "raw", 0.42)).isEqualTo(0.42);
        ObjectNode mismatched = rounds(new double[] {1, 2}, new double[] {1, 2, 3});
        assertThat(BenchReport.ratio(mismatched, "plain", "raw", 0.42)).isEqualTo(0.42);
    }

    private ObjectNode byRound(double median, double... rounds) {
        ObjectNode node = mapper.createObjectNode();
        node.put("frames_per_s", median);
        if (rounds.length > 0) {
            Arrays.stream(rounds).forEach(node.putArray("rounds_frames_per_s")::add);
        }
        return node;
    }

    @Test
    void aPipelineRatioIsTheMedianOfEachRoundOverTheCeilingAroundIt() {
        // Round 1 ran on a slow stretch of the machine, its ceiling too; round 2's pipeline met a burst of other work.
        // Per round: 450/900, 200/1000, 612/1200 = 0.5, 0.2, 0.51. The medians' ratio, 450/1000, would mix the stretches.
        ObjectNode pipeline = byRound(450, 450, 200, 612);
        ObjectNode kafka = byRound(1000, 900, 1000, 1200);
        assertThat(BenchReport.pipelineRatio(pipeline, kafka, missing(), 2_000_000)).isCloseTo(0.5, within(1e-9));
        // Where ONNX Runtime's raw rate is the lower ceiling, every round is held to it: 1.125, 0.5, 1.53.
        assertThat(BenchReport.pipelineRatio(pipeline, kafka, missing(), 400)).isCloseTo(1.125, within(1e-9));
    }

    @Test
    void aComputeBoundPipelineIsHeldToTheRawRateMeasuredAroundItsRound() {
        // The raw ceiling measured at start was 400; around the rounds the machine ran at 400, 280, 300.
        // Per round against those: 360/400, 250/280, 300/300 = 0.9, 0.893, 1.0; against the start's 400 the median was 0.75.
        ObjectNode pipeline = byRound(300, 360, 250, 300);
        ObjectNode kafka = byRound(1000, 900, 1000, 1200);
        assertThat(BenchReport.pipelineRatio(pipeline, kafka, byRound(300, 400, 280, 300), 400)).isCloseTo(0.9, within(1e-9));
        assertThat(BenchReport.pipelineRatio(pipeline, kafka, missing(), 400)).isCloseTo(0.75, within(1e-9));
        // Where Kafka is the lower ceiling in a round, that round stays held to Kafka: 360/400, 250/200, 300/300.
        assertThat(BenchReport.pipelineRatio(pipeline, byRound(1000, 900, 200, 1200), byRound(300, 400, 280, 300), 400))
                .isCloseTo(1.0, within(1e-9));
        // Raw rates for other rounds than the pipeline's are not matched up: the one raw rate stands.
        assertThat(BenchReport.pipelineRatio(pipeline, kafka, byRound(300, 400, 280), 400)).isCloseTo(0.75, within(1e-9));
    }

    private JsonNode missing() {
        return mapper.createObjectNode().path("raw_around_pipeline");
    }

    @Test
    void withoutRoundsThePipelineRatioIsTheRatioOfTheFigures() {
        assertThat(BenchReport.pipelineRatio(byRound(500), byRound(1000), missing(), 2_000_000)).isCloseTo(0.5, within(1e-9));
        assertThat(BenchReport.pipelineRatio(byRound(500, 500, 510), byRound(1000, 1000), missing(), 2_000_000)).isCloseTo(0.5, within(1e-9));
    }
}
