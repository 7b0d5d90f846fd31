package reluflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reluflow.avro.Detection;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.engine.demo.DemoQuality;
import reluflow.engine.demo.GroundTruth;
import reluflow.engine.inference.FrameOutcome;
import reluflow.engine.inference.FrameResult;
import reluflow.engine.inference.InferenceEngine;
import reluflow.engine.model.ReluLayer;
import reluflow.engine.sparsity.LayerActivity;
import reluflow.engine.sparsity.SparsityAccumulator;
import reluflow.engine.sparsity.SparsitySummary;

/**
 * Runs the engine over a stream of frames in micro-batches, writes a record per inferred frame,
 * lists every rejected frame, and keeps what the final summary prints. Nothing is dropped: each
 * frame ends up counted as a detection record or as a rejection.
 */
final class InferRun {
    private final InferenceEngine engine;
    private final int batchSize;
    private final JsonLines output;
    private final PrintWriter rejections;
    private final List<Frame> pending = new ArrayList<>();
    private final Map<String, SparsityAccumulator> layers = new LinkedHashMap<>();
    private final Map<ErrorKind, Long> rejectedByKind = new EnumMap<>(ErrorKind.class);
    private final List<Long> batchMicros = new ArrayList<>();
    private long framesIn;
    private long records;
    private long withDetections;
    private long labelled;
    private long correct;
    private long boxesTotal;
    private long boxesFound;
    private long boxPredictions;
    private final long startNanos = System.nanoTime();
    private long endNanos;

    InferRun(InferenceEngine engine, int batchSize, JsonLines output, PrintWriter rejections) {
        this.engine = engine;
        this.batchSize = batchSize;
        this.output = output;
        this.rejections = rejections;
        for (ReluLayer layer : engine.layers()) {
            layers.put(layer.name(), new SparsityAccumulator(layer.name()));
        }
    }

    void accept(Frame frame) {
        framesIn++;
        pending.add(frame);
        if (pending.size() >= batchSize) {
            flush();
        }
    }

    void finish() {
        flush();
        endNanos = System.nanoTime();
    }

    private void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<FrameOutcome> outcomes = engine.infer(pending);
        Instant now = Instant.now();
        boolean batchTimed = false;
        for (FrameOutcome outcome : outcomes) {
            if (outcome instanceof FrameOutcome.Rejected rejected) {
                rejectedByKind.merge(rejected.rejection().kind(), 1L, Long::sum);
                rejections.printf("rejected frame %s/%d: %s: %s%n", rejected.frame().getSensorId(), rejected.frame().getFrameId(),
                        rejected.rejection().kind(), rejected.rejection().message());
                continue;
            }
            FrameResult result = ((FrameOutcome.Inferred) outcome).result();
            if (!batchTimed) {
                batchMicros.add(result.inferenceMicros());
                batchTimed = true;
            }
            records++;
            if (!result.detections().isEmpty()) {
                withDetections++;
            }
            for (LayerActivity layer : result.layers()) {
                layers.get(layer.layer()).add(layer);
            }
            scoreAgainstGroundTruth(result.frame(), result.detections());
            if (output != null) {
                try {
                    output.write(engine.toRecord(result, now));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        pending.clear();
    }

    private void scoreAgainstGroundTruth(Frame frame, List<Detection> detections) {
        var label = GroundTruth.label(frame);
        if (label.isPresent()) {
            labelled++;
            if (!detections.isEmpty() && detections.get(0).getClassIndex() == label.getAsInt()) {
                correct++;
            }
        }
        if (frame.getAttributes().containsKey("objects")) {
            DemoQuality.Quality q = DemoQuality.boxRecall(List.of(frame), List.of(detections), 0.5);
            boxesTotal += q.total();
            boxesFound += q.correct();
            boxPredictions += q.predictions();
        }
    }

    long framesIn() {
        return framesIn;
    }

    long records() {
        return records;
    }

    long rejected() {
        return rejectedByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    Map<ErrorKind, Long> rejectedByKind() {
        return rejectedByKind;
    }

    Map<String, SparsitySummary> sparsity() {
        Map<String, SparsitySummary> out = new LinkedHashMap<>();
        layers.forEach((name, acc) -> out.put(name, acc.summary()));
        return out;
    }

    double accuracy() {
        return labelled == 0 ? Double.NaN : (double) correct / labelled;
    }

    double boxRecall() {
        return boxesTotal == 0 ? Double.NaN : (double) boxesFound / boxesTotal;
    }

    void printSummary(PrintWriter out) {
        double seconds = (endNanos - startNanos) / 1e9;
        out.printf("Frames in         %d%n", framesIn);
        out.printf("Detection records %d (%d with at least one detection)%n", records, withDetections);
        out.printf("Rejected frames   %d%s%n", rejected(), rejectedByKind.isEmpty() ? "" : "  " + rejectedByKind);
        out.printf("Accounted for     %d of %d frames%n", records + rejected(), framesIn);
        if (labelled > 0) {
            out.printf("Accuracy (top-1)  %.4f (%d/%d labelled frames)%n", accuracy(), correct, labelled);
        }
        if (boxesTotal > 0) {
            out.printf("Objects found     %.4f at IoU>=0.5 (%d/%d), precision %.4f%n", boxRecall(), boxesFound, boxesTotal,
                    boxPredictions == 0 ? 0.0 : (double) boxesFound / boxPredictions);
        }
        out.printf("Throughput        %.0f frames/s (%.2f s, batch %d, provider %s)%n", framesIn / Math.max(seconds, 1e-9), seconds,
                batchSize, engine.description().provider());
        if (!batchMicros.isEmpty()) {
            long[] sorted = batchMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            out.printf("Batch latency     p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", percentile(sorted, 0.50) / 1e3,
                    percentile(sorted, 0.99) / 1e3, sorted[sorted.length - 1] / 1e3);
        }
        printSparsity(out, sparsity());
    }

    static void printSparsity(PrintWriter out, Map<String, SparsitySummary> sparsity) {
        if (sparsity.isEmpty()) {
            out.println("Sparsity          the model has no ReLU layer");
            return;
        }
        out.println("Sparsity per ReLU layer (fraction of exact zeros per frame):");
        out.printf("  %-24s %6s %8s %7s %7s %7s %7s %7s  %s%n", "layer", "units", "frames", "mean", "min", "p50", "p95", "max", "dead units");
        for (SparsitySummary s : sparsity.values()) {
            String dead = s.deadUnits() + (s.deadUnitIndices().isEmpty() ? "" : " " + abbreviate(s.deadUnitIndices()));
            out.printf("  %-24s %6d %8d %7.4f %7.4f %7.4f %7.4f %7.4f  %s%n", s.layer(), s.units(), s.frames(), s.mean(), s.min(),
                    s.p50(), s.p95(), s.max(), dead);
        }
    }

    private static String abbreviate(List<Integer> units) {
        return units.size() <= 8 ? units.toString()
                : Arrays.toString(units.subList(0, 8).toArray()).replace("]", ", ...]");
    }

    private static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
