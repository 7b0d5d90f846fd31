package reluflow.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import reluflow.cli.Main;
import reluflow.job.config.ReluflowOptions;

/** CI's smoke run of the benchmark: it runs end to end and reports every figure; no timing is asserted. */
class BenchCommandTest {
    @TempDir
    Path dir;

    private static double meanOfTwo(JsonNode rounds) {
        assertThat(rounds.size()).isEqualTo(2);
        rounds.forEach(rate -> assertThat(rate.asDouble()).isPositive());
        return (rounds.get(0).asDouble() + rounds.get(1).asDouble()) / 2;
    }

    @Test
    void quickBenchWritesEveryFigure() throws Exception {
        Path json = dir.resolve("bench.json");
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        Path brokerParent = Files.createDirectory(dir.resolve("broker"));
        // Two pipeline rounds (--quick runs one) so that the rounds' figures and their medians are written and checked.
        int code = cli.execute("bench", "--quick", "--models", "mlp", "--pipeline-rounds", "2", "--json", json.toString(),
                "--broker-dir", brokerParent.toString());

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString()).contains("raw ORT", "Kafka pass-through", "Pipeline", "Targets");
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode machine = root.get("machine");
        assertThat(machine.get("cores").asInt()).isPositive();
        assertThat(machine.get("cpu_model").asText()).isNotBlank();
        assertThat(machine.get("jvm_version").asText()).isNotBlank();
        assertThat(machine.get("onnxruntime_version").asText()).isNotBlank();
        assertThat(machine.get("jvm_options").isArray()).isTrue();

        // The broker kept its log where it was told, and left nothing there.
        assertThat(root.at("/settings/broker_log_dir").asText()).isEqualTo(brokerParent.toAbsolutePath().toString());
        try (Stream<Path> left = Files.list(brokerParent)) {
            assertThat(left).isEmpty();
        }

        JsonNode mlp = root.get("models").get("mlp");
        // --quick warms the pipeline up with one run, whatever the JIT is doing.
        assertThat(mlp.at("/pipeline_warmup/runs").asInt()).isEqualTo(1);
        assertThat(mlp.at("/pipeline_warmup/seconds").asDouble()).isPositive();
        assertThat(mlp.at("/pipeline_warmup/jit_cores_at_end").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(out.toString()).contains("warm-up before these: 1 untimed runs");
        assertThat(out.toString()).contains("to the last detection instead");
        for (String path : List.of("raw", "raw_instrumented", "raw_frames_in", "engine/plain", "engine/instrumented", "engine/sampled10")) {
            JsonNode figures = mlp.at("/" + path);
            assertThat(figures.size()).as(path).isPositive();
            figures.forEach(v -> assertThat(v.asDouble()).as(path).isPositive());
        }
        assertThat(mlp.at("/kafka/frames_per_s").asDouble()).isPositive();
        assertThat(mlp.at("/kafka/mb_per_s").asDouble()).isPositive();
        assertThat(root.at("/settings/pipeline_rounds").asInt()).isEqualTo(2);
        // The pipeline runs the job's own batch.max-size, as a user's job would; the header says which.
        assertThat(root.at("/settings/pipeline_batch_max_size").asInt()).isEqualTo(ReluflowOptions.BATCH_MAX_SIZE.defaultValue());
        assertThat(out.toString()).contains("batch.max-size " + ReluflowOptions.BATCH_MAX_SIZE.defaultValue() + ",");
        // Each figure is the median of its rounds': of two, their mean.
        assertThat(mlp.at("/kafka/frames_per_s").asDouble()).isCloseTo(meanOfTwo(mlp.at("/kafka/rounds_frames_per_s")), within(1e-6));
        assertThat(mlp.at("/kafka/frames_per_s_before").asDouble()).isPositive();
        // ONNX Runtime's raw rate measured again with each pass-through: one run more than rounds, a rate per round.
        JsonNode rawAround = mlp.get("raw_around_pipeline");
        assertThat(rawAround.get("batch").asInt()).isEqualTo(32);
        assertThat(rawAround.get("runs_frames_per_s")).hasSize(3).allSatisfy(v -> assertThat(v.asDouble()).isPositive());
        assertThat(rawAround.get("rounds_frames_per_s")).hasSize(2);
        assertThat(rawAround.get("rounds_frames_per_s").get(0).asDouble()).isCloseTo(
                (rawAround.get("runs_frames_per_s").get(0).asDouble() + rawAround.get("runs_frames_per_s").get(1).asDouble()) / 2, within(1e-6));
        assertThat(rawAround.get("frames_per_s").asDouble()).isCloseTo(meanOfTwo(rawAround.get("rounds_frames_per_s")), within(1e-6));
        assertThat(out.toString()).contains("raw ceiling around the pipeline rounds");
        assertThat(mlp.at("/kafka/frames_per_s_after").asDouble()).isPositive();
        for (String p : List.of("p1", "p2")) {
            JsonNode run = mlp.at("/pipeline/" + p);
            assertThat(run.get("frames_per_s").asDouble()).as(p).isPositive()
                    .isCloseTo(meanOfTwo(run.get("rounds_frames_per_s")), within(1e-6));
            // Also timed to the last detection, and how many rounds closed the window at the first drained partition.
            assertThat(run.get("frames_per_s_to_end").asDouble()).as(p).isPositive();
            assertThat(run.get("rounds_while_every_partition_busy").asInt()).as(p).isBetween(0, 2);
            // --quick times a few thousand frames, under the second below which CPU shares are left out.
            if (run.has("cpu_cores_sustained")) {
                assertCores(run.get("cpu_cores_sustained"), machine.get("cores").asInt(), false);
            }
            for (String load : List.of("50", "90")) {
                JsonNode latency = run.at("/latency_ms/" + load);
                // Measured in both rounds; the round shown has the lower of the two p99s (the lower middle of two).
                JsonNode p99s = latency.get("rounds_p99");
                assertThat(p99s.size()).as(p + " " + load).isEqualTo(2);
                assertThat(latency.get("p99").asDouble()).as(p + " " + load)
                        .isEqualTo(Math.min(p99s.get(0).asDouble(), p99s.get(1).asDouble()))
                        .isEqualTo(p99s.get(latency.get("round").asInt() - 1).asDouble());
                for (String q : List.of("p50", "p95", "p99")) {
                    assertThat(latency.get(q).asDouble()).as(p + " " + load + " " + q).isGreaterThanOrEqualTo(0);
                }
                // Each round's own split, in round order, and the round shown is one of them.
                JsonNode splits = latency.get("rounds_split_p99");
                assertThat(splits.size()).as(p + " " + load).isEqualTo(2);
                for (int r = 0; r < 2; r++) {
                    JsonNode split = splits.get(r);
                    assertThat(split.get("p99").asDouble()).as(p + " " + load + " round " + r).isEqualTo(p99s.get(r).asDouble());
                    assertThat(split.get("from_kafka_append_p99").asDouble()).isBetween(0.0, split.get("p99").asDouble());
                    assertThat(split.get("sender_to_kafka_append_p99").asDouble()).isBetween(0.0, split.get("p99").asDouble());
                    assertThat(split.get("sent_rate").asDouble()).isPositive();
                }
                JsonNode shown = splits.get(latency.get("round").asInt() - 1);
                assertThat(shown.get("in_job_p99").asDouble()).isEqualTo(latency.get("in_job_p99").asDouble());
                assertThat(shown.get("sender_to_kafka_append_p99").asDouble())
                        .isEqualTo(latency.get("sender_to_kafka_append_p99").asDouble());
                assertThat(latency.get("frames").asInt()).isPositive();
                for (String part : List.of("in_job_p50", "in_job_p99", "after_job_p50", "after_job_p99", "inference_call_p50")) {
                    assertThat(latency.has(part)).as(p + " " + load + " " + part).isTrue();
                }
                // A frame is appended by the broker after the sender stamped it: from the append is never the longer wait.
                assertThat(latency.get("from_kafka_append_p50").asDouble()).as(p + " " + load).isGreaterThanOrEqualTo(0)
                        .isLessThanOrEqualTo(latency.get("p50").asDouble());
                assertThat(latency.get("from_kafka_append_p99").asDouble()).as(p + " " + load)
                        .isLessThanOrEqualTo(latency.get("p99").asDouble());
                // And from the sender's stamp to the append: the other side of the same broker timestamp.
                assertThat(latency.get("sender_to_kafka_append_p50").asDouble()).as(p + " " + load).isGreaterThanOrEqualTo(0)
                        .isLessThanOrEqualTo(latency.get("p50").asDouble());
                assertThat(latency.get("sender_to_kafka_append_p99").asDouble()).as(p + " " + load)
                        .isGreaterThanOrEqualTo(latency.get("sender_to_kafka_append_p50").asDouble())
                        .isLessThanOrEqualTo(latency.get("p99").asDouble());
                assertCores(latency.get("cpu_cores"), machine.get("cores").asInt(), true);
                // Every frame ran in a batch of at least itself, and no larger than the configured maximum.
                assertThat(latency.get("frame_batch_size_mean").asDouble()).isBetween(1.0, root.at("/settings/pipeline_batch_max_size").asDouble());
            }
        }
        // Every variant's rate in each interleaved round, which the ratios are the medians of.
        int rounds = root.get("settings").get("interleaved_rounds").asInt();
        for (String variant : List.of("raw", "raw_instrumented", "raw_frames_in", "plain", "instrumented", "sampled10")) {
            JsonNode perRound = mlp.get("rounds").get("32").get(variant);
            assertThat(perRound.size()).as(variant).isEqualTo(rounds);
            perRound.forEach(rate -> assertThat(rate.asDouble()).as(variant).isPositive());
        }
        // ONNX Runtime's own scaling from one session on one thread to two on two, which bounds parallelism 2 / 1.
        JsonNode two = mlp.get("raw_two_sessions");
        assertThat(two.get("batch").asInt()).isEqualTo(32);
        assertThat(two.get("one_session_frames_per_s").asDouble()).isPositive();
        assertThat(two.get("two_sessions_frames_per_s").asDouble()).isPositive();
        assertThat(two.get("rounds_two_over_one").size()).isEqualTo(rounds);
        assertThat(two.get("two_over_one").asDouble()).isPositive();
        assertThat(out.toString()).contains("two sessions on two threads / one on one");
        JsonNode ratios = mlp.get("ratios");
        List<String> ratioPaths = new ArrayList<>(List.of("/engine_over_raw/32", "/instrumented_over_plain/32",
                "/sampled10_over_plain/32", "/raw_instrumented_over_raw/32", "/raw_frames_in_over_raw/32", "/batch32_over_batch1", "/pipeline_over_min_raw_kafka/p1", "/p2_over_p1"));
        for (String path : ratioPaths) {
            assertThat(ratios.at(path).asDouble()).as(path).isPositive();
        }
        assertThat(root.get("targets").size()).isPositive();
        root.get("targets").forEach(t -> assertThat(t.has("met")).isTrue());
    }

    @Test
    void interleavesTheModelAloneInShortTurnsAndNeverFewerThanNineRounds() {
        // One turn of 25 ms per variant and round: the default --duration 1.5 s is 60 rounds, --quick's 0.4 s 16.
        assertThat(BenchCommand.rounds(1.5)).isEqualTo(60);
        assertThat(BenchCommand.rounds(0.4)).isEqualTo(16);
        assertThat(BenchCommand.rounds(3.0)).isEqualTo(120);
        assertThat(BenchCommand.rounds(0.05)).isEqualTo(BenchCommand.MIN_ROUNDS);
    }

    @Test
    void refusesABrokerDirectoryThatIsNotThere() {
        assertThat(refused("--broker-dir", dir.resolve("missing").toString())).contains("--broker-dir", "missing", "is not a directory");
    }

    @Test
    void refusesANegativeWarmUp() {
        assertThat(refused("--warmup-max", "-1")).contains("--warmup-max takes seconds, 0 or more");
    }

    @Test
    void refusesABadJobSettingWithTheJobsOwnMessageBeforeMeasuring() {
        Path json = dir.resolve("never.json");
        assertThat(refused("--set", "batch.max-size=lots", "--json", json.toString()))
                .contains("bad job setting", "Option 'batch.max-size' has a bad value 'lots'");
        assertThat(json).doesNotExist();
    }

    @Test
    void refusesAnUnknownJobSetting() {
        assertThat(refused("--set", "batch.max-sise=64")).contains("Unknown option 'batch.max-sise'");
    }

    /** Runs {@code bench --quick} with these options, expects the usage exit code 2, and returns what it wrote to stderr. */
    private static String refused(String... options) {
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        String[] args = new String[options.length + 2];
        args[0] = "bench";
        args[1] = "--quick";
        System.arraycopy(options, 0, args, 2, options.length);

        assertThat(cli.execute(args)).isEqualTo(2);
        return err.toString();
    }

    /**
     * The CPU shares add up, the job always used some, and while frames were sent live the load
     * generator did; none is negative. The process cannot use more cores than the machine has (a
     * little slack: thread clocks and the wall clock are read a few microseconds apart).
     */
    private static void assertCores(JsonNode cores, int machineCores, boolean liveLoad) {
        assertThat(cores).isNotNull();
        double sum = 0;
        for (String part : List.of("flink", "broker", "load_generator_and_reader", "gc", "jit", "native_and_other")) {
            assertThat(cores.get(part).asDouble()).as(part).isGreaterThanOrEqualTo(0);
            sum += cores.get(part).asDouble();
        }
        assertThat(cores.get("total").asDouble()).isCloseTo(sum, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cores.get("flink").asDouble()).isPositive();
        assertThat(cores.get("total").asDouble()).isLessThanOrEqualTo(machineCores * 1.1);
        if (liveLoad) {
            assertThat(cores.get("load_generator_and_reader").asDouble()).isPositive();
        }
    }
}
