package reluflow.cli.bench;

import ai.onnxruntime.OrtEnvironment;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.Frame;
import reluflow.job.config.InvalidConfigException;
import reluflow.job.config.JobConfig;
import reluflow.kafka.KafkaBroker;

@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures ReluFlow on this machine, in one process: ONNX Runtime's raw ceiling, the engine (plain and "
                + "instrumented), Kafka's pass-through ceiling on an in-process broker, and the whole pipeline Kafka -> Flink "
                + "(MiniCluster) -> Kafka at parallelism 1 and 2 (sustained frames/s, end-to-end latency at 50%% and 90%% of it), "
                + "with the ratios between them and the targets they are held to.",
                "Pipeline runs use AT_LEAST_ONCE: exactly-once results only become readable at each checkpoint, so its "
                + "latency is bounded below by checkpoint.interval, not by the pipeline."})
public final class BenchCommand implements Callable<Integer> {
    /**
     * Length of one variant's turn in the raw and engine measurements of one batch size, which run interleaved in rounds
     * of such turns. This machine's speed drifts by 10-40% within seconds (the same engine's batches, timed one by one):
     * in 9 rounds of a ninth of --duration each, a turn of 0.3-0.5 s often met another speed than its neighbours, and
     * ratios that paired batches put at 0.99 read 0.97-0.98 (see README.md).
     */
    static final double TURN_SECONDS = 0.025;
    /**
     * The batch the raw ceiling around the pipeline rounds and ONNX Runtime's two-session scaling are measured at: the
     * issue's batch 32. The pipeline itself runs with the job's batch.max-size (its default unless --set gives one).
     */
    static final int CEILING_BATCH = 32;
    /** Rounds at the least, however short --duration. */
    static final int MIN_ROUNDS = 9;
    static final double STUDY_PER_SLOT = CrayfishModel.STUDY_FRAMES_PER_SECOND_PER_SLOT;
    /**
     * The JIT's share of the CPU, while paced, under which the JVM counts as warm. A TaskManager that has run for
     * minutes is there. The bench's JVM is not: Kafka's, Flink's and Avro's code reaches C2 method by method over a
     * minute and more of pipeline runs, and until then C2 takes about half of one of the two cores. A latency phase
     * measured then is a measurement of the JIT (MLP, p1, successive runs of about 10 s: 0.61, 0.47, 0.42, 0.46, 0.20,
     * 0.16, 0.15, 0.04, 0.04, 0.01 cores).
     */
    static final double JIT_SETTLED_CORES = 0.1;
    /**
     * Kafka's default segment size, not the local broker's 64 MB: at the MLP's rates a 64 MB detections segment
     * rolled every 1.5 s, and each roll's flush of the old segment stalled the broker's appends in this process
     * (the frames' p99 rose from about 20 ms to 60-100 ms for the next 250 ms, at every detections roll).
     */
    static final int SEGMENT_BYTES = 1 << 30;
    /**
     * Free memory, in GB, that the broker's log must leave to be kept in /dev/shm. Each run's topics are deleted
     * when it ends, so the log holds one run's frames and results at a time: at most about 1.5 GB (the Crayfish-shaped
     * model's 3 KB frames, written twice by the Kafka pass-through).
     */
    static final int BROKER_IN_MEMORY_GB = 8;

    @Option(names = "--models", split = ",", description = "Models: mlp, cnn, crayfish (default: all three; --quick: mlp).")
    List<String> models;

    @Option(names = "--duration", description = "Seconds per raw/engine figure, after a warm-up of a third of it; the raw loop "
            + "and the three engine variants of a batch size run interleaved in rounds of " + (int) (TURN_SECONDS * 1000) + " ms turns (default: 1.5; --quick: 0.4).")
    Double duration;

    @Option(names = "--frames", description = "Frames pre-loaded for the Kafka ceiling and each pipeline throughput run; the "
            + "second half is timed (default: " + BenchModel.DEFAULT_FRAMES + "; --quick: 3000).")
    Integer frames;

    @Option(names = "--pipeline-rounds", description = "Rounds of a model's pipeline throughput runs: each round runs every "
            + "parallelism once, with a Kafka pass-through run between rounds; each pipeline ratio is the median of the rounds' "
            + "(default: 3; --quick: 1).")
    Integer pipelineRounds;

    @Option(names = "--latency-seconds", description = "Seconds of paced sending per latency measurement (default: 4; --quick: 1.5).")
    Double latencySeconds;

    @Option(names = "--latency-at", split = ",", description = "Loads the latency is measured at, in percent of the sustained rate "
            + "(default: 50,90; the targets read 50).")
    List<Integer> latencyAt;

    @Option(names = "--batches", split = ",", description = "Engine batch sizes (default: 1,8,32,128; --quick: 1,32).")
    List<Integer> batches;

    @Option(names = "--parallelism", split = ",", description = "Pipeline parallelisms (default: 1,2).")
    List<Integer> parallelisms;

    @Option(names = "--threads", defaultValue = "1", description = "ONNX Runtime intra-op threads per session (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--sample-rate", defaultValue = "1.0",
            description = "sparsity.sample-rate of the pipeline runs (default: ${DEFAULT-VALUE}, the job's default).")
    double pipelineSampleRate;

    @Option(names = "--set", description = "Extra job setting for the pipeline runs, key=value (repeatable), e.g. kafka.properties.linger.ms=0.")
    Map<String, String> jobSettings = new LinkedHashMap<>();

    @Option(names = "--warmup-max", description = "Seconds at most of untimed pipeline runs before a model's timed ones: they "
            + "repeat until the JIT compiler's share of the CPU while paced falls under " + JIT_SETTLED_CORES + " core "
            + "(default: 180; --quick: 0, one run).")
    Double warmupMax;

    @Option(names = "--broker-dir", description = "Directory in which the in-process broker keeps its log for the run (default: "
            + "/dev/shm when it is a tmpfs and it and the machine's available memory both have " + BROKER_IN_MEMORY_GB + " GB free, "
            + "else the system's temporary directory).")
    Path brokerDir;

    @Option(names = "--skip-pipeline", description = "Leave out the Kafka and pipeline measurements.")
    boolean skipPipeline;

    @Option(names = "--quick", description = "A smoke run for CI, under 2 minutes: mlp only, batches 1 and 32, short durations.")
    boolean quick;

    @Option(names = "--json", description = "Also write every figure, the settings and the machine's facts to this JSON file.")
    Path json;

    @Spec
    CommandSpec spec;

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> modelNames = models != null ? models.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).toList()
                : quick ? List.of("mlp") : BenchModel.KNOWN;
        for (String m : modelNames) {
            if (!BenchModel.KNOWN.contains(m)) {
                err.println("bench: unknown model '" + m + "'; known: " + String.join(", ", BenchModel.KNOWN));
                return 2;
            }
        }
        double seconds = duration != null ? duration : quick ? 0.4 : 1.5;
        double warmup = seconds / 3;
        Integer preloadOption = frames != null ? frames : quick ? Integer.valueOf(3000) : null;
        double latencySecs = latencySeconds != null ? latencySeconds : quick ? 1.5 : 4;
        int pipeRounds = pipelineRounds != null ? pipelineRounds : quick ? 1 : 3;
        if (pipeRounds < 1) {
            err.println("bench: --pipeline-rounds takes 1 or more, got " + pipeRounds);
            return 2;
        }
        if (brokerDir != null && !Files.isDirectory(brokerDir)) {
            err.println("bench: --broker-dir " + brokerDir + " is not a directory");
            return 2;
        }
        double warmupMaxSecs = warmupMax != null ? warmupMax : quick ? 0 : 180;
        if (warmupMaxSecs < 0) {
            err.println("bench: --warmup-max takes seconds, 0 or more, got " + warmupMaxSecs);
            return 2;
        }
        List<Integer> batchSizes = batches != null ? batches : quick ? List.of(1, 32) : List.of(1, 8, 32, 128);
        List<Integer> pars = parallelisms != null ? parallelisms : List.of(1, 2);
        List<Integer> loads = latencyAt != null ? latencyAt : List.of(50, 90);
        for (int load : loads) {
            if (load < 1 || load > 100) {
                err.println("bench: --latency-at takes percents of the sustained rate, 1 to 100, got " + load);
                return 2;
            }
        }
        double[] fractions = loads.stream().mapToDouble(l -> l / 100.0).toArray();
        for (int b : batchSizes) {
            if (b < 1 || InferenceBench.POOL % b != 0) {
                err.println("bench: batch sizes must divide " + InferenceBench.POOL + ", got " + b);
                return 2;
            }
        }

        JobConfig pipelineConfig;
        try {
            // Checked before anything is measured; the model path stands in for the files written below.
            pipelineConfig = JobConfig.of(KafkaBench.jobSettings(Path.of("bench-model.onnx"), pipelineSettings()));
        } catch (InvalidConfigException e) {
            err.println("bench: bad job setting (--set, --sample-rate or --threads): " + e.getMessage());
            return 2;
        }

        Path brokerParent = brokerDir != null ? brokerDir : defaultBrokerParent();
        ObjectNode root = mapper.createObjectNode();
        root.set("machine", machine());
        ObjectNode settings = root.putObject("settings");
        settings.put("quick", quick);
        settings.put("measurement_seconds", seconds);
        settings.put("warmup_seconds", warmup);
        settings.put("interleaved_rounds", rounds(seconds));
        settings.put("interleaved_turn_ms", TURN_SECONDS * 1000);
        settings.put("frames", preloadOption == null ? "per model: " + BenchModel.DEFAULT_FRAMES : preloadOption.toString());
        settings.put("latency_seconds", latencySecs);
        settings.put("pipeline_warmup_max_seconds", warmupMaxSecs);
        settings.put("pipeline_rounds", pipeRounds);
        settings.put("broker_log_dir", brokerParent.toAbsolutePath().toString());
        settings.put("broker_log_file_system", fileSystemType(brokerParent));
        settings.put("pipeline_warmup_jit_settled_below_cores", JIT_SETTLED_CORES);
        settings.put("intra_op_threads", threads);
        settings.put("pipeline_sample_rate", pipelineSampleRate);
        settings.put("pipeline_delivery", pipelineConfig.delivery().name());
        settings.put("pipeline_batch_max_size", pipelineConfig.batchMaxSize());
        settings.put("pipeline_batch_auto_size", pipelineConfig.batchAutoSize());
        settings.put("pipeline_batch_max_wait_ms", pipelineConfig.batchMaxWait().toMillis());
        settings.put("pipeline_checkpoint_interval_s", pipelineConfig.checkpointInterval().toMillis() / 1000.0);
        settings.put("kafka_partitions", KafkaBench.PARTITIONS);
        settings.putPOJO("batches", batchSizes);
        settings.putPOJO("parallelism", pars);
        loads.forEach(settings.putArray("latency_at_percent")::add);
        settings.putPOJO("extra_job_settings", jobSettings);
        ObjectNode modelsNode = root.putObject("models");

        Path dir = Files.createTempDirectory("reluflow-bench-");
        Map<String, BenchModel> loaded = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        try {
            for (String name : modelNames) {
                BenchModel model = BenchModel.of(name);
                Path file = dir.resolve(name + ".onnx");
                Files.write(file, model.onnx);
                loaded.put(name, model);
                files.put(name, file);
            }
            // The model alone first, before the broker and Flink exist to take CPU time.
            for (BenchModel model : loaded.values()) {
                ObjectNode m = modelsNode.putObject(model.name);
                if (model.isCrayfish()) {
                    m.put("parameters", CrayfishModel.parameters());
                }
                List<Frame> pool = model.frames(InferenceBench.POOL);
                ObjectNode raw = m.putObject("raw");
                ObjectNode rawInstrumented = m.putObject("raw_instrumented");
                ObjectNode rawFramesIn = m.putObject("raw_frames_in");
                ObjectNode engine = m.putObject("engine");
                ObjectNode plain = engine.putObject("plain");
                ObjectNode instrumented = engine.putObject("instrumented");
                ObjectNode sampled = engine.putObject("sampled10");
                ObjectNode rounds = m.putObject("rounds");
                for (int b : batchSizes) {
                    progress(err, "%s batch %d: raw, engine plain / every frame / 10%%", model.name, b);
                    InferenceBench.Rates rates = InferenceBench.measure(model, files.get(model.name), pool, b, threads, warmup, seconds,
                            rounds(seconds));
                    raw.put(Integer.toString(b), rates.raw());
                    rawInstrumented.put(Integer.toString(b), rates.rawInstrumented());
                    rawFramesIn.put(Integer.toString(b), rates.rawFramesIn());
                    plain.put(Integer.toString(b), rates.plain());
                    instrumented.put(Integer.toString(b), rates.instrumented());
                    sampled.put(Integer.toString(b), rates.sampled10());
                    ObjectNode round = rounds.putObject(Integer.toString(b));
                    rates.rounds().forEach((variant, perRound) -> Arrays.stream(perRound).forEach(round.putArray(variant)::add));
                }
                if (pars.contains(2)) {
                    progress(err, "%s batch %d: raw, one session on one thread / two on two", model.name, CEILING_BATCH);
                    InferenceBench.Scaling scaling = InferenceBench.twoSessionScaling(model, CEILING_BATCH, threads, warmup, TURN_SECONDS,
                            rounds(seconds));
                    ObjectNode two = m.putObject("raw_two_sessions");
                    two.put("batch", CEILING_BATCH);
                    two.put("one_session_frames_per_s", scaling.oneSession());
                    two.put("two_sessions_frames_per_s", scaling.twoSessions());
                    two.put("two_over_one", scaling.ratio());
                    Arrays.stream(scaling.roundRatios()).forEach(two.putArray("rounds_two_over_one")::add);
                }
            }
            if (!skipPipeline) {
                progress(err, "starting a Kafka broker (KRaft, in-process)");
                Path brokerData = Files.createTempDirectory(brokerParent, "reluflow-bench-kafka-");
                // Also when the bench is interrupted: a log left in /dev/shm would hold on to memory until the next boot.
                Thread removeBrokerData = new Thread(() -> deleteTree(brokerData), "reluflow-bench-cleanup");
                Runtime.getRuntime().addShutdownHook(removeBrokerData);
                try (KafkaBroker broker = KafkaBroker.start(KafkaBroker.Settings.defaults()
                        .withDataDir(brokerData)
                        .withBrokerProperty("log.segment.bytes", Integer.toString(SEGMENT_BYTES))
                        // Not Kafka's minute after the deletion, and not only 30 s after start-up: each run's logs go
                        // before the next run starts (KafkaBench.removeLogs waits for that). 0 would poll every millisecond.
                        .withBrokerProperty("log.segment.delete.delay.ms", "100")
                        .withBrokerProperty("log.initial.task.delay.ms", "0"))) {
                    for (BenchModel model : loaded.values()) {
                        ObjectNode m = (ObjectNode) modelsNode.get(model.name);
                        KafkaBench kafka = new KafkaBench(broker, model, err);
                        // Enough frames that the timed second half lasts seconds at each model's rate.
                        int preload = preloadOption != null ? preloadOption : model.defaultFrames;
                        m.put("frames", preload);
                        ObjectNode k = m.putObject("kafka");
                        ObjectNode p = m.putObject("pipeline");
                        // Warmed up first, the clients' and the broker's code too, so the ceiling is no colder than the pipeline.
                        warmUp(err, kafka, model, files.get(model.name), pars.get(0), preload, latencySecs, warmupMaxSecs,
                                m.putObject("pipeline_warmup"));
                        // Rounds, each running every parallelism once between two Kafka pass-through runs: this machine's
                        // speed drifts over minutes, so each round's pipeline rates are set against the mean of the two
                        // ceilings around them, and each ratio is the median of the rounds'. Latency is measured in every
                        // round too, and the round with the median p99 reported.
                        List<KafkaBench.KafkaCeiling> ceilings = new ArrayList<>();
                        List<Double> rawCeilings = new ArrayList<>();
                        progress(err, "%s: Kafka pass-through of %d frames, raw ORT at batch %d", model.name, preload, CEILING_BATCH);
                        ceilings.add(kafka.ceiling(preload));
                        rawCeilings.add(rawAroundRounds(model, threads));
                        Map<Integer, List<KafkaBench.PipelineResult>> resultsByPar = new LinkedHashMap<>();
                        pars.forEach(par -> resultsByPar.put(par, new ArrayList<>()));
                        for (int round = 0; round < pipeRounds; round++) {
                            for (int par : pars) {
                                progress(err, "%s: pipeline at parallelism %d, round %d of %d (%d frames, then latency at %s%% of its rate)",
                                        model.name, par, round + 1, pipeRounds, preload,
                                        loads.stream().map(String::valueOf).collect(Collectors.joining("%, ")));
                                resultsByPar.get(par).add(kafka.pipeline(files.get(model.name), par, preload, fractions, latencySecs,
                                        pipelineSettings()));
                            }
                            progress(err, "%s: Kafka pass-through of %d frames again, raw ORT at batch %d", model.name, preload, CEILING_BATCH);
                            ceilings.add(kafka.ceiling(preload));
                            rawCeilings.add(rawAroundRounds(model, threads));
                        }
                        resultsByPar.forEach((par, results) -> writePipeline(p.putObject("p" + par), par, results));
                        double[] ceilingByRound = new double[pipeRounds];
                        for (int round = 0; round < pipeRounds; round++) {
                            ceilingByRound[round] = (ceilings.get(round).framesPerSecond() + ceilings.get(round + 1).framesPerSecond()) / 2;
                        }
                        KafkaBench.KafkaCeiling before = ceilings.get(0);
                        KafkaBench.KafkaCeiling after = ceilings.get(pipeRounds);
                        k.put("frames_per_s", BenchReport.median(ceilingByRound));
                        k.put("mb_per_s", BenchReport.median(ceilingByRound) * before.megabytesPerSecond() / before.framesPerSecond());
                        ArrayNode ceilingRounds = k.putArray("rounds_frames_per_s");
                        Arrays.stream(ceilingByRound).forEach(ceilingRounds::add);
                        k.put("frames_per_s_before", before.framesPerSecond());
                        k.put("frames_per_s_after", after.framesPerSecond());
                        k.put("value_bytes", before.valueBytes());
                        ObjectNode rawAround = m.putObject("raw_around_pipeline");
                        double[] rawByRound = new double[pipeRounds];
                        for (int round = 0; round < pipeRounds; round++) {
                            rawByRound[round] = (rawCeilings.get(round) + rawCeilings.get(round + 1)) / 2;
                        }
                        rawAround.put("batch", CEILING_BATCH);
                        rawAround.put("frames_per_s", BenchReport.median(rawByRound));
                        Arrays.stream(rawByRound).forEach(rawAround.putArray("rounds_frames_per_s")::add);
                        rawCeilings.forEach(rawAround.putArray("runs_frames_per_s")::add);
                    }
                } finally {
                    deleteTree(brokerData);
                    try {
                        Runtime.getRuntime().removeShutdownHook(removeBrokerData);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running or about to: it deletes what is left
                    }
                }
            }
        } finally {
            deleteTree(dir);
        }
        ((ObjectNode) root.get("machine")).put("load_average_at_end", loadAverage());
        BenchReport report = new BenchReport(root);
        report.addRatiosAndTargets();
        report.print(out);
        if (json != null) {
            Path parent = json.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            mapper.writeValue(json.toFile(), root);
            out.println("Wrote " + json);
        }
        out.flush();
        return 0;
    }

    /** Seconds of each raw ONNX Runtime run around the pipeline rounds, after a third of that as warm-up. */
    static final double RAW_AROUND_ROUNDS_SECONDS = 1.0;

    private static double rawAroundRounds(BenchModel model, int threads) throws Exception {
        return InferenceBench.rawRate(model, CEILING_BATCH, threads, RAW_AROUND_ROUNDS_SECONDS / 3, RAW_AROUND_ROUNDS_SECONDS);
    }

    /**
     * One parallelism's figures over its rounds: the median sustained rate and each round's; for each load, the
     * latency of the round whose p99 is the median (the lower of the two middle ones for an even count), with
     * every round's p99; the sustained run's CPU shares from the last round.
     */
    private static void writePipeline(ObjectNode pn, int par, List<KafkaBench.PipelineResult> rounds) {
        pn.put("parallelism", par);
        double[] roundRates = rounds.stream().mapToDouble(KafkaBench.PipelineResult::framesPerSecond).toArray();
        pn.put("frames_per_s", BenchReport.median(roundRates));
        ArrayNode rates = pn.putArray("rounds_frames_per_s");
        Arrays.stream(roundRates).forEach(rates::add);
        double[] toEnd = rounds.stream().mapToDouble(KafkaBench.PipelineResult::toEndFramesPerSecond).toArray();
        pn.put("frames_per_s_to_end", BenchReport.median(toEnd));
        pn.put("rounds_while_every_partition_busy", rounds.stream().filter(KafkaBench.PipelineResult::whileEveryPartitionBusy).count());
        KafkaBench.PipelineResult last = rounds.get(rounds.size() - 1);
        pn.put("seconds_to_all_including_start", last.secondsToAllIncludingStart());
        last.sustainedCpu().ifPresent(c -> cores(pn.putObject("cpu_cores_sustained"), c));
        ObjectNode lat = pn.putObject("latency_ms");
        for (String pct : last.latency().keySet()) {
            List<KafkaBench.Latency> byRound = rounds.stream().map(r -> r.latency().get(pct)).toList();
            List<KafkaBench.Latency> byP99 = byRound.stream().sorted(Comparator.comparingDouble(KafkaBench.Latency::p99)).toList();
            KafkaBench.Latency l = byP99.get((byP99.size() - 1) / 2);
            ObjectNode ln = lat.putObject(pct);
            ln.put("round", byRound.indexOf(l) + 1);
            ArrayNode p99s = ln.putArray("rounds_p99");
            byRound.forEach(r -> p99s.add(r.p99()));
            // Where each round's p99 went, not only the median round's: a single slow round is otherwise a number alone.
            ArrayNode splits = ln.putArray("rounds_split_p99");
            byRound.forEach(r -> splits.addObject()
                    .put("p99", r.p99())
                    .put("in_job_p99", r.inJobP99())
                    .put("after_job_p99", r.afterJobP99())
                    .put("sender_to_kafka_append_p99", r.toAppendP99())
                    .put("from_kafka_append_p99", r.fromAppendP99())
                    .put("sent_rate", r.sentRate()));
            ln.put("target_rate", l.targetRate());
            ln.put("sent_rate", l.sentRate());
            ln.put("frames", l.frames());
            ln.put("p50", l.p50());
            ln.put("p95", l.p95());
            ln.put("p99", l.p99());
            ln.put("max", l.max());
            ln.put("in_job_p50", l.inJobP50());
            ln.put("in_job_p99", l.inJobP99());
            ln.put("after_job_p50", l.afterJobP50());
            ln.put("after_job_p99", l.afterJobP99());
            ln.put("frame_batch_size_mean", l.meanBatch());
            ln.put("inference_call_p50", l.inferenceP50());
            ln.put("inference_call_p99", l.inferenceP99());
            ln.put("sender_to_kafka_append_p50", l.toAppendP50());
            ln.put("sender_to_kafka_append_p99", l.toAppendP99());
            ln.put("from_kafka_append_p50", l.fromAppendP50());
            ln.put("from_kafka_append_p99", l.fromAppendP99());
            l.cpu().ifPresent(c -> cores(ln.putObject("cpu_cores"), c));
        }
    }

    /**
     * Untimed pipeline runs, pre-loaded then paced at half the rate, until the JIT has settled or {@code maxSeconds}
     * have gone (always one run): the JIT compiling Flink's, Kafka's and Avro's paths would otherwise land in the
     * timed phases, and their latency would measure it.
     */
    private void warmUp(PrintWriter err, KafkaBench kafka, BenchModel model, Path modelFile, int parallelism, int preload,
            double latencySecs, double maxSeconds, ObjectNode node) throws Exception {
        long start = System.nanoTime();
        int runs = 0;
        Optional<Double> jit;
        double elapsed;
        do {
            KafkaBench.PipelineResult run = kafka.pipeline(modelFile, parallelism, preload, new double[] {0.5}, latencySecs,
                    pipelineSettings());
            runs++;
            // Not measured when the paced phase is shorter than CpuShares reports: then one run is all there is.
            jit = run.latency().values().iterator().next().cpu().map(CpuShares.Cores::jit);
            elapsed = (System.nanoTime() - start) / 1e9;
            progress(err, "%s: warm-up run %d at parallelism %d (%d frames, then paced; not timed): %.0f frames/s, JIT %s while paced",
                    model.name, runs, parallelism, preload, run.framesPerSecond(),
                    jit.map(j -> String.format(Locale.ROOT, "%.2f cores", j)).orElse("not measured"));
        } while (jit.isPresent() && jit.get() >= JIT_SETTLED_CORES && elapsed < maxSeconds);
        node.put("runs", runs);
        node.put("seconds", elapsed);
        if (jit.isPresent()) {
            node.put("jit_cores_at_end", jit.get());
        } else {
            node.putNull("jit_cores_at_end");
        }
        node.put("jit_settled", jit.isPresent() && jit.get() < JIT_SETTLED_CORES);
    }

    private Map<String, String> pipelineSettings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("sparsity.sample-rate", Double.toString(pipelineSampleRate));
        s.put("engine.intra-op-threads", Integer.toString(threads));
        s.putAll(jobSettings);
        return s;
    }

    private ObjectNode machine() {
        ObjectNode m = mapper.createObjectNode();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("cpu_model", cpuModel());
        m.put("jvm_version", System.getProperty("java.vm.version"));
        m.put("jvm_vendor", System.getProperty("java.vm.vendor"));
        m.put("onnxruntime_version", OrtEnvironment.getEnvironment().getVersion());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        m.put("load_average_at_start", loadAverage());
        m.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
        // The heap settings change the figures (a growing heap's page faults cost MLP 10x in p99): kept with them.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X") && !a.startsWith("-Xlog"))
                .forEach(m.putArray("jvm_options")::add);
        return m;
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name") || l.startsWith("Model") || l.startsWith("Hardware"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown (" + System.getProperty("os.arch") + ")";
        }
    }

    /** The 1-minute load average: on a shared machine, other work running beside the bench. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** Interleaved rounds for --duration seconds: one turn of {@link #TURN_SECONDS} per variant and round. */
    static int rounds(double seconds) {
        return Math.max(MIN_ROUNDS, (int) Math.round(seconds / TURN_SECONDS));
    }

    private static void progress(PrintWriter err, String format, Object... args) {
        err.printf("bench: " + format + "%n", args);
        err.flush();
    }

    /**
     * Memory (tmpfs) where there is room. On our VMs the kernel wrote the broker's log back to disk in bursts of
     * about 530 MB every 5 s, and each burst stalled the appends of the broker, which runs in this process on the
     * same two cores: the MLP's latency phase at 50% load had p99 61 and 91 ms with its log on disk, its slow stretches
     * where the bursts were, against 32 ms with it on tmpfs. A deployment's brokers write back on machines of their own.
     */
    static Path defaultBrokerParent() {
        Path shm = Path.of("/dev/shm");
        long needed = (long) BROKER_IN_MEMORY_GB << 30;
        try {
            if (Files.isDirectory(shm) && "tmpfs".equals(Files.getFileStore(shm).type()) && Files.getFileStore(shm).getUsableSpace() >= needed
                    && availableMemoryBytes() >= needed) {
                return shm;
            }
        } catch (IOException | RuntimeException unknown) {
            // no usable /dev/shm: the temporary directory below
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** MemAvailable from /proc/meminfo, or 0 where there is none or it cannot be read. */
    static long availableMemoryBytes() {
        Path meminfo = Path.of("/proc/meminfo");
        if (!Files.isReadable(meminfo)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(meminfo)) {
            return lines.filter(l -> l.startsWith("MemAvailable:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                    .findFirst().orElse(0L);
        } catch (IOException | UncheckedIOException | NumberFormatException unreadable) {
            return 0;
        }
    }

    private static String fileSystemType(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort: the directory is a temporary one, and a walk cut short leaves it to the system
        }
    }

    private static void cores(ObjectNode node, CpuShares.Cores cores) {
        node.put("flink", cores.flink());
        node.put("broker", cores.broker());
        node.put("load_generator_and_reader", cores.bench());
        node.put("gc", cores.gc());
        node.put("jit", cores.jit());
        node.put("native_and_other", cores.other());
        node.put("total", cores.total());
    }
}
