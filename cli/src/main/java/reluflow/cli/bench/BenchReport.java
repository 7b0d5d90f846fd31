package reluflow.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Ratios and targets over the measured figures, and the printed table; the JSON tree is the single source. */
final class BenchReport {
    private final ObjectNode root;

    BenchReport(ObjectNode root) {
        this.root = root;
    }

    void addRatiosAndTargets() {
        ArrayNode targets = root.putArray("targets");
        Iterator<Map.Entry<String, JsonNode>> it = root.get("models").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            ObjectNode m = (ObjectNode) e.getValue();
            ObjectNode ratios = m.putObject("ratios");
            ObjectNode raw = (ObjectNode) m.get("raw");
            ObjectNode engine = (ObjectNode) m.get("engine");
            ObjectNode plain = (ObjectNode) engine.get("plain");
            ObjectNode engineOverRaw = ratios.putObject("engine_over_raw");
            ObjectNode instrOverPlain = ratios.putObject("instrumented_over_plain");
            ObjectNode sampledOverPlain = ratios.putObject("sampled10_over_plain");
            ObjectNode rawInstrumentedOverRaw = ratios.putObject("raw_instrumented_over_raw");
            JsonNode rawInstrumented = m.get("raw_instrumented");
            ObjectNode rawFramesInOverRaw = ratios.putObject("raw_frames_in_over_raw");
            JsonNode rawFramesIn = m.get("raw_frames_in");
            plain.fieldNames().forEachRemaining(b -> {
                JsonNode rounds = m.path("rounds").path(b);
                engineOverRaw.put(b, ratio(rounds, "plain", "raw", plain.get(b).asDouble() / raw.get(b).asDouble()));
                instrOverPlain.put(b, ratio(rounds, "instrumented", "plain",
                        engine.get("instrumented").get(b).asDouble() / plain.get(b).asDouble()));
                sampledOverPlain.put(b, ratio(rounds, "sampled10", "plain", engine.get("sampled10").get(b).asDouble() / plain.get(b).asDouble()));
                if (rawInstrumented != null && rawInstrumented.has(b)) {
                    rawInstrumentedOverRaw.put(b, ratio(rounds, "raw_instrumented", "raw",
                            rawInstrumented.get(b).asDouble() / raw.get(b).asDouble()));
                }
                if (rawFramesIn != null && rawFramesIn.has(b)) {
                    rawFramesInOverRaw.put(b, ratio(rounds, "raw_frames_in", "raw", rawFramesIn.get(b).asDouble() / raw.get(b).asDouble()));
                }
            });
            String ref = plain.has("32") ? "32" : last(plain);
            if (plain.has("32") && plain.has("1")) {
                ratios.put("batch32_over_batch1", plain.get("32").asDouble() / plain.get("1").asDouble());
            }
            String framesInBound = rawFramesInOverRaw.has(ref)
                    ? String.format(Locale.ROOT, " (raw with the frames copied in from their records and checked finite, over raw: %.2f)", rawFramesInOverRaw.get(ref).asDouble())
                    : "";
            target(targets, name, "engine/raw at batch " + ref + framesInBound, engineOverRaw.get(ref).asDouble(), 0.95, true);
            target(targets, name, "instrumented (every frame)/plain at batch " + ref, instrOverPlain.get(ref).asDouble(), 0.90, true);
            target(targets, name, "instrumented (10%)/plain at batch " + ref, sampledOverPlain.get(ref).asDouble(), 0.98, true);
            if (name.equals("mlp") && ratios.has("batch32_over_batch1")) {
                target(targets, name, "batch32/batch1 (engine plain)", ratios.get("batch32_over_batch1").asDouble(), 4.0, true);
            }
            if (!m.has("pipeline")) {
                continue;
            }
            double kafka = m.get("kafka").get("frames_per_s").asDouble();
            // The raw ceiling measured around the pipeline rounds where there is one: the machine's speed drifts.
            JsonNode rawAround = m.path("raw_around_pipeline");
            double rawRate = rawAround.has("frames_per_s") ? rawAround.get("frames_per_s").asDouble() : raw.get(ref).asDouble();
            String rawBatch = rawAround.has("batch") ? rawAround.get("batch").asText() : ref;
            ratios.put("pipeline_ceiling_frames_per_s", Math.min(rawRate, kafka));
            ratios.put("pipeline_ceiling_is", rawRate <= kafka ? "raw at batch " + rawBatch : "kafka");
            ObjectNode pOverCeiling = ratios.putObject("pipeline_over_min_raw_kafka");
            ObjectNode pipeline = (ObjectNode) m.get("pipeline");
            pipeline.fields().forEachRemaining(p -> {
                pOverCeiling.put(p.getKey(), pipelineRatio(p.getValue(), m.get("kafka"), rawAround, rawRate));
                JsonNode half = p.getValue().get("latency_ms").get("50");
                if (half != null) {
                    target(targets, name, "p99 latency (ms) at 50% of sustained, parallelism " + p.getValue().get("parallelism").asInt()
                            + senderDelay(half), half.get("p99").asDouble(), 50, false);
                }
            });
            if (!name.equals("crayfish")) {
                // Every parallelism measured: the issue names no parallelism, and on two cores p1 leaves a core to Kafka.
                pOverCeiling.fields().forEachRemaining(p -> target(targets, name, "pipeline/min(raw, Kafka) at parallelism "
                        + pipeline.get(p.getKey()).get("parallelism").asInt(), p.getValue().asDouble(), 0.80, true));
            }
            if (pipeline.has("p1") && pipeline.has("p2")) {
                // Each round ran p1 and p2 back to back: the median of the rounds' p2/p1.
                ObjectNode byRound = JsonNodeFactory.instance.objectNode();
                byRound.set("p2", pipeline.get("p2").path("rounds_frames_per_s"));
                byRound.set("p1", pipeline.get("p1").path("rounds_frames_per_s"));
                double scale = ratio(byRound, "p2", "p1",
                        pipeline.get("p2").get("frames_per_s").asDouble() / pipeline.get("p1").get("frames_per_s").asDouble());
                ratios.put("p2_over_p1", scale);
                if (name.equals("cnn")) {
                    target(targets, name, "parallelism2/parallelism1 (2 slots x " + root.get("settings").get("intra_op_threads").asInt()
                            + " threads, " + root.get("machine").get("cores").asInt() + " cores" + twoSessions(m) + ")", scale, 1.7, true);
                }
            }
            if (name.equals("crayfish")) {
                ObjectNode study = ratios.putObject("crayfish_study");
                study.put("study_frames_per_s_per_slot", BenchCommand.STUDY_PER_SLOT);
                ObjectNode perSlot = study.putObject("per_slot_frames_per_s");
                ObjectNode vsStudy = study.putObject("per_slot_over_study");
                pipeline.fields().forEachRemaining(p -> {
                    double slot = p.getValue().get("frames_per_s").asDouble() / p.getValue().get("parallelism").asInt();
                    perSlot.put(p.getKey(), slot);
                    vsStudy.put(p.getKey(), slot / BenchCommand.STUDY_PER_SLOT);
                });
                String best = best(vsStudy);
                target(targets, name, "end-to-end per slot / study's 1,100 frames/s (" + best + ")", vsStudy.get(best).asDouble(), 20, true);
            }
        }
    }

    /** ONNX Runtime's own two-session scaling, where measured, for the lines that give parallelism 2 / 1. */
    private static String twoSessions(JsonNode model) {
        JsonNode two = model.get("raw_two_sessions");
        return two == null ? "" : String.format("; raw ORT two sessions / one: %.2f", two.get("two_over_one").asDouble());
    }

    /**
     * One variant's rate over another's, both measured in the same interleaved rounds: the median of the
     * rounds' ratios, or {@code ofSums} (the ratio of the rates summed over the rounds) where the rounds were
     * not recorded. On a shared machine a burst of other work, shorter than a round, slows one variant of
     * one round; the ratio of the sums keeps that slice, the median leaves that round out.
     */
    static double ratio(JsonNode rounds, String numerator, String denominator, double ofSums) {
        JsonNode top = rounds.path(numerator);
        JsonNode bottom = rounds.path(denominator);
        if (!top.isArray() || top.size() == 0 || top.size() != bottom.size()) {
            return ofSums;
        }
        double[] ratios = new double[top.size()];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = top.get(i).asDouble() / bottom.get(i).asDouble();
        }
        return median(ratios);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * A pipeline's rate over its ceiling, min(raw, Kafka): the median of the rounds' ratios, each round's pipeline rate
     * over the Kafka and raw ceilings measured around that round (the raw one where {@code rawAround} has a rate per
     * round, else {@code raw}); the medians' ratio where rounds were not recorded.
     */
    static double pipelineRatio(JsonNode pipeline, JsonNode kafka, JsonNode rawAround, double raw) {
        JsonNode rates = pipeline.path("rounds_frames_per_s");
        JsonNode ceilings = kafka.path("rounds_frames_per_s");
        JsonNode rawRounds = rawAround.path("rounds_frames_per_s");
        double ofMedians = pipeline.get("frames_per_s").asDouble() / Math.min(raw, kafka.get("frames_per_s").asDouble());
        if (!rates.isArray() || rates.size() == 0 || rates.size() != ceilings.size()) {
            return ofMedians;
        }
        boolean rawByRound = rawRounds.isArray() && rawRounds.size() == rates.size();
        double[] ratios = new double[rates.size()];
        for (int i = 0; i < ratios.length; i++) {
            double rawThen = rawByRound ? rawRounds.get(i).asDouble() : raw;
            ratios[i] = rates.get(i).asDouble() / Math.min(rawThen, ceilings.get(i).asDouble());
        }
        return median(ratios);
    }

    private static void target(ArrayNode targets, String model, String what, double value, double threshold, boolean atLeast) {
        ObjectNode t = targets.addObject();
        t.put("model", model);
        t.put("target", what);
        t.put("value", value);
        t.put("threshold", threshold);
        t.put("at_least", atLeast);
        t.put("met", atLeast ? value >= threshold : value <= threshold);
    }

    private static String last(ObjectNode node) {
        List<String> keys = new ArrayList<>();
        node.fieldNames().forEachRemaining(keys::add);
        return keys.get(keys.size() - 1);
    }

    private static String best(ObjectNode node) {
        String best = null;
        Iterator<String> it = node.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (best == null || node.get(k).asDouble() > node.get(best).asDouble()) {
                best = k;
            }
        }
        return best;
    }

    void print(PrintWriter out) {
        JsonNode machine = root.get("machine");
        JsonNode settings = root.get("settings");
        out.printf("%nReluFlow bench: %s, %d cores, JVM %s, ONNX Runtime %s, intra-op threads %d%n",
                machine.get("cpu_model").asText(), machine.get("cores").asInt(), machine.get("jvm_version").asText(),
                machine.get("onnxruntime_version").asText(), settings.get("intra_op_threads").asInt());
        List<String> jvmOptions = new ArrayList<>();
        machine.path("jvm_options").forEach(o -> jvmOptions.add(o.asText()));
        out.printf("JVM options: %s%n", jvmOptions.isEmpty() ? "(defaults: a heap that grows and shrinks, untouched until used)"
                : String.join(" ", jvmOptions));
        out.printf("/proc/loadavg at start: %s; at end: %s (the machine is shared: other work competes for the cores)%n",
                machine.get("load_average_at_start").asText(), machine.get("load_average_at_end").asText());

        out.printf("%nModel alone, frames/s (%.1f s per figure after %.1f s warm-up, the six of a row interleaved in %d rounds of %.0f ms turns, each "
                + "ratio the median of the rounds' ratios; "
                + "engine = InferenceEngine.infer, instrumented = sparsity measured on every frame / on 10%%; ORT instr./raw = "
                + "ONNX Runtime alone on the graph with every ReLU output exposed over the plain graph: what instrumenting costs "
                + "ONNX Runtime itself; ORT+in/raw = the raw loop with each batch's frames copied in from their records and checked "
                + "finite, as the engine does, over the raw loop: what getting the frames in costs before any other work, so "
                + "engine/raw stays below it but for the noise)%n",
                settings.get("measurement_seconds").asDouble(), settings.get("warmup_seconds").asDouble(),
                settings.path("interleaved_rounds").asInt(1), settings.path("interleaved_turn_ms").asDouble());
        out.printf("%-9s %5s %11s %11s %7s %11s %7s %11s %7s %15s %13s%n", "model", "batch", "raw ORT", "engine", "/raw",
                "every frame", "/plain", "10%", "/plain", "ORT instr./raw", "ORT+in/raw");
        JsonNode models = root.get("models");
        models.fields().forEachRemaining(e -> {
            JsonNode m = e.getValue();
            JsonNode r = m.get("ratios");
            m.get("raw").fieldNames().forEachRemaining(b -> out.printf("%-9s %5s %11s %11s %7s %11s %7s %11s %7s %15s %13s%n", e.getKey(), b,
                    num(m.get("raw").get(b)), num(m.get("engine").get("plain").get(b)), ratio(r.get("engine_over_raw").get(b)),
                    num(m.get("engine").get("instrumented").get(b)), ratio(r.get("instrumented_over_plain").get(b)),
                    num(m.get("engine").get("sampled10").get(b)), ratio(r.get("sampled10_over_plain").get(b)),
                    ratio(r.path("raw_instrumented_over_raw").get(b)), ratio(r.path("raw_frames_in_over_raw").get(b))));
            if (r.has("batch32_over_batch1")) {
                out.printf("%-9s batch32/batch1 (engine plain): %.2fx%n", e.getKey(), r.get("batch32_over_batch1").asDouble());
            }
            JsonNode two = m.get("raw_two_sessions");
            if (two != null) {
                out.printf("%-9s raw ORT at batch %d, two sessions on two threads / one on one: %.2fx (%s / %s frames/s; the most "
                        + "that parallelism 2 / 1 can reach on this machine)%n", e.getKey(), two.get("batch").asInt(),
                        two.get("two_over_one").asDouble(), num(two.get("two_sessions_frames_per_s")), num(two.get("one_session_frames_per_s")));
            }
        });

        if (models.elements().hasNext() && models.elements().next().has("kafka")) {
            out.printf("%nKafka pass-through ceiling (in-process KRaft broker, log in %s (%s), %d partitions, consumer -> producer, acks=all, "
                    + "no model; run before the model's pipelines and after each of their %d rounds, a round's ceiling the mean of "
                    + "the runs around it, the median of the rounds')%n",
                    settings.path("broker_log_dir").asText("the temporary directory"), settings.path("broker_log_file_system").asText("?"),
                    settings.get("kafka_partitions").asInt(), settings.path("pipeline_rounds").asInt(1));
            out.printf("%-9s %11s %9s %12s   %s%n", "model", "frames/s", "MB/s", "value bytes", "(first run / last run)");
            models.fields().forEachRemaining(e -> {
                JsonNode k = e.getValue().get("kafka");
                out.printf("%-9s %11s %9.1f %12d   %s / %s%n", e.getKey(), num(k.get("frames_per_s")), k.get("mb_per_s").asDouble(),
                        k.get("value_bytes").asInt(), num(k.get("frames_per_s_before")), num(k.get("frames_per_s_after")));
            });
            if (models.elements().next().has("raw_around_pipeline")) {
                out.printf("%nONNX Runtime's raw ceiling around the pipeline rounds (the raw loop above, one session at batch %d, %.0f s a run, "
                        + "run with each Kafka pass-through: the pipeline's raw ceiling, each round's the mean of the runs around it)%n",
                        models.elements().next().get("raw_around_pipeline").get("batch").asInt(), BenchCommand.RAW_AROUND_ROUNDS_SECONDS);
                out.printf("%-9s %11s   %s%n", "model", "frames/s", "(each run, in order; the table above measured it at the start)");
                models.fields().forEachRemaining(e -> {
                    JsonNode r = e.getValue().get("raw_around_pipeline");
                    List<String> runs = new ArrayList<>();
                    r.get("runs_frames_per_s").forEach(v -> runs.add(num(v)));
                    out.printf("%-9s %11s   %s%n", e.getKey(), num(r.get("frames_per_s")), String.join(" / ", runs));
                });
            }

            out.printf("%nPipeline Kafka -> Flink MiniCluster -> Kafka (%s, batch.max-size %s, batch.auto-size %s, batch.max-wait %s ms, "
                    + "sparsity.sample-rate %s; sustained = from half of %s pre-loaded frames out until a slot has read all of its partition, the median of %d rounds, and each "
                    + "ratio the median of the rounds' ratios; latency (measured in every round, the round with the median p99 shown) = event_time stamped at send "
                    + "-> detection readable by a read_committed consumer, ms)%n",
                    settings.path("pipeline_delivery").asText("AT_LEAST_ONCE"), settings.path("pipeline_batch_max_size").asText("?"),
                    settings.path("pipeline_batch_auto_size").asText("true"), settings.path("pipeline_batch_max_wait_ms").asText("10"),
                    settings.get("pipeline_sample_rate").asText(),
                    settings.get("frames").asText(), settings.path("pipeline_rounds").asInt(1));
            List<String> loads = new ArrayList<>();
            settings.path("latency_at_percent").forEach(l -> loads.add(l.asText()));
            if (loads.isEmpty()) {
                loads.addAll(List.of("50", "90"));
            }
            StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-9s %3s %11s %11s %7s ", "model", "par", "frames/s",
                    "min(raw,K)", "ratio"));
            loads.forEach(l -> header.append(String.format(Locale.ROOT, "  %-22s", "latency@" + l + "% p50/95/99")));
            out.println(header.toString().stripTrailing());
            models.fields().forEachRemaining(e -> {
                JsonNode m = e.getValue();
                JsonNode r = m.get("ratios");
                m.get("pipeline").fields().forEachRemaining(p -> {
                    JsonNode v = p.getValue();
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-9s %3d %11s %11s %7s ", e.getKey(),
                            v.get("parallelism").asInt(), num(v.get("frames_per_s")), num(r.get("pipeline_ceiling_frames_per_s")),
                            ratio(r.get("pipeline_over_min_raw_kafka").get(p.getKey()))));
                    loads.forEach(l -> line.append(String.format(Locale.ROOT, "  %-22s", lat(v.get("latency_ms").get(l)))));
                    out.println(line.toString().stripTrailing());
                });
                m.get("pipeline").fields().forEachRemaining(p -> {
                    JsonNode v = p.getValue();
                    if (v.has("frames_per_s_to_end")) {
                        out.printf(Locale.ROOT, "%-9s %3d   to the last detection instead (the slots' uneven start included): %s frames/s; "
                                + "the window closed at the first drained partition in %d of %d rounds%n", e.getKey(), v.get("parallelism").asInt(),
                                num(v.get("frames_per_s_to_end")), v.get("rounds_while_every_partition_busy").asInt(),
                                v.path("rounds_frames_per_s").size());
                    }
                });
                m.get("pipeline").fields().forEachRemaining(p -> {
                    StringBuilder split = new StringBuilder(String.format(Locale.ROOT, "%-9s %3d   latency split, p50/p99 ms, "
                            + "event -> processed_at (source, batching, inference) + processed_at -> readable (sink, broker, reader); "
                            + "a frame's batch size (mean) and its inference call p50/p99 ms; from the sender's stamp to the broker's "
                            + "append (the bench's own producer), and from the append to the detection readable, p50/p99 ms:",
                            e.getKey(), p.getValue().get("parallelism").asInt()));
                    p.getValue().get("latency_ms").fields().forEachRemaining(l -> {
                        JsonNode v = l.getValue();
                        if (v.has("in_job_p50")) {
                            split.append(String.format(Locale.ROOT, "  @%s%% %.0f/%.0f + %.0f/%.0f (batch %.1f, call %.1f/%.1f; "
                                    + "stamped -> in Kafka %.0f/%.0f; in Kafka -> readable %.0f/%.0f)%s", l.getKey(),
                                    v.get("in_job_p50").asDouble(), v.get("in_job_p99").asDouble(), v.get("after_job_p50").asDouble(),
                                    v.get("after_job_p99").asDouble(), v.get("frame_batch_size_mean").asDouble(),
                                    v.get("inference_call_p50").asDouble(), v.get("inference_call_p99").asDouble(),
                                    v.path("sender_to_kafka_append_p50").asDouble(), v.path("sender_to_kafka_append_p99").asDouble(),
                                    v.path("from_kafka_append_p50").asDouble(), v.path("from_kafka_append_p99").asDouble(),
                                    senderDelay(v)));
                        }
                    });
                    out.println(split);
                    StringBuilder cpu = new StringBuilder(String.format(Locale.ROOT, "%-9s %3d   CPU, cores of %d, Flink + broker + "
                            + "load generator and latency reader + GC + JIT + native/other:", e.getKey(), p.getValue().get("parallelism").asInt(),
                            root.get("machine").get("cores").asInt()));
                    JsonNode sustainedCpu = p.getValue().get("cpu_cores_sustained");
                    if (sustainedCpu != null) {
                        cpu.append("  sustained ").append(cores(sustainedCpu));
                    }
                    p.getValue().get("latency_ms").fields().forEachRemaining(l -> {
                        if (l.getValue().has("cpu_cores")) {
                            cpu.append("  @").append(l.getKey()).append("% ").append(cores(l.getValue().get("cpu_cores")));
                        }
                    });
                    out.println(cpu);
                });
                JsonNode warmup = m.get("pipeline_warmup");
                if (warmup != null) {
                    out.printf("%-9s %s%n", e.getKey(), warmUp(warmup));
                }
                if (r.has("p2_over_p1")) {
                    out.printf("%-9s parallelism2/parallelism1: %.2fx (ceiling: %s%s)%n", e.getKey(), r.get("p2_over_p1").asDouble(),
                            r.get("pipeline_ceiling_is").asText(), twoSessions(m));
                }
                if (r.has("crayfish_study")) {
                    JsonNode s = r.get("crayfish_study");
                    s.get("per_slot_frames_per_s").fields().forEachRemaining(p -> out.printf(
                            "%-9s %s: %s frames/s per scoring slot vs the Crayfish study's ~1,100: %.1fx%n", e.getKey(), p.getKey(),
                            num(p.getValue()), s.get("per_slot_over_study").get(p.getKey()).asDouble()));
                }
            });
        }

        out.printf("%nTargets%n");
        root.get("targets").forEach(t -> out.printf("  %-8s %-9s %-62s %10s  %s %s%n", t.get("met").asBoolean() ? "met" : "NOT MET",
                t.get("model").asText(), t.get("target").asText(), fmt(t.get("value").asDouble()),
                t.get("at_least").asBoolean() ? ">=" : "<=", fmt(t.get("threshold").asDouble())));
        out.flush();
    }

    /** How long a model's pipeline warm-up took, and whether the JIT had settled by its end. */
    static String warmUp(JsonNode warmup) {
        JsonNode jit = warmup.path("jit_cores_at_end");
        String share = jit.isNumber() ? String.format(Locale.ROOT, "%.2f cores", jit.asDouble()) : "not measured (paced phase under a second)";
        String unsettled = jit.isNumber() && !warmup.path("jit_settled").asBoolean()
                ? " (not settled within --warmup-max: the timed runs share the cores with it)" : "";
        return String.format(Locale.ROOT, "warm-up before these: %d untimed runs in %.0f s; the JIT's share while paced in the last: %s%s",
                warmup.path("runs").asInt(), warmup.path("seconds").asDouble(), share, unsettled);
    }

    /**
     * Where the bench's own sender held the frames back, its share of the event-time latency is said next to the
     * figure, with the figure that leaves it out: when it fell short of the load (on two cores, beside the job and the
     * broker), or when frames waited longer between its stamp and the broker's append than from the append to their
     * detection readable. The second happens at a load the sender does reach: its producer's accumulator filled (32 MB,
     * about 300 ms of the MLP's frames at 100 MB/s) while its network thread waited for a core, and send() blocked.
     */
    static String senderDelay(JsonNode latency) {
        double target = latency.path("target_rate").asDouble();
        double sent = latency.path("sent_rate").asDouble();
        double toAppend = latency.path("sender_to_kafka_append_p99").asDouble();
        double fromAppend = latency.path("from_kafka_append_p99").asDouble();
        boolean shortOfLoad = target > 0 && sent < 0.95 * target;
        if (!shortOfLoad && toAppend <= fromAppend) {
            return "";
        }
        String reached = shortOfLoad ? String.format(Locale.ROOT, "sender reached %.0f%% of the load; ", 100 * sent / target) : "";
        String waited = latency.has("sender_to_kafka_append_p99")
                ? String.format(Locale.ROOT, "frames waited in the bench's sender, stamp -> broker's append p99 %.0f ms; ", toAppend) : "";
        return String.format(Locale.ROOT, " [%s%sp99 from the broker's append %.0f ms]", reached, waited, fromAppend);
    }

    private static String cores(JsonNode c) {
        return String.format(Locale.ROOT, "%.2f+%.2f+%.2f+%.2f+%.2f+%.2f=%.2f", c.get("flink").asDouble(), c.get("broker").asDouble(),
                c.get("load_generator_and_reader").asDouble(), c.get("gc").asDouble(), c.get("jit").asDouble(),
                c.get("native_and_other").asDouble(), c.get("total").asDouble());
    }

    private static String lat(JsonNode l) {
        if (l == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.0f/%.0f/%.0f", l.get("p50").asDouble(), l.get("p95").asDouble(), l.get("p99").asDouble());
    }

    private static String num(JsonNode n) {
        return n == null ? "-" : String.format(Locale.ROOT, "%,.0f", n.asDouble());
    }

    private static String ratio(JsonNode n) {
        return n == null ? "-" : String.format(Locale.ROOT, "%.2f", n.asDouble());
    }

    private static String fmt(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
