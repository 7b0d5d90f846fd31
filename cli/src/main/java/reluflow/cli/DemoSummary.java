package reluflow.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import reluflow.avro.ErrorKind;
import reluflow.avro.SparsityReport;
import reluflow.engine.demo.DemoModelKind;

/** Prints what the demo's outputs show, and whether every frame was accounted for exactly once. */
final class DemoSummary {
    private final PrintWriter out;
    private final int sent;
    private final DemoModelKind kind;
    private final int parallelism;
    private final long sendStart;
    private final long sendEnd;

    DemoSummary(PrintWriter out, int sent, DemoModelKind kind, int parallelism, long sendStart, long sendEnd) {
        this.out = out;
        this.sent = sent;
        this.kind = kind;
        this.parallelism = parallelism;
        this.sendStart = sendStart;
        this.sendEnd = sendEnd;
    }

    /** @return true when every frame came out exactly once, as a detection or as the dead letter expected of it */
    boolean print(OutputCollector r, Map<ErrorKind, Long> expectedDeadLetters) {
        long duplicates = r.detectionRecords - r.detectedFrames.size();
        boolean complete = r.accountedFor() == sent && duplicates == 0 && r.deadLetters.equals(expectedDeadLetters);
        out.println();
        out.println("ReluFlow demo summary (" + kind.name().toLowerCase() + " model, parallelism " + parallelism + ", exactly-once)");
        out.printf("  Frames in           %d%n", sent);
        out.printf("  Detections out      %d (one per valid frame; %d duplicates)%n", r.detectedFrames.size(), duplicates);
        out.printf("  Dead letters        %d %s (expected %s)%n", r.deadLetterCount(), r.deadLetters, expectedDeadLetters);
        out.printf("  Accounted for       %d of %d frames%s%n", r.accountedFor(), sent, complete ? "" : "  <-- INCOMPLETE");
        if (r.labelled > 0) {
            out.printf("  Accuracy (top-1)    %.4f (%d/%d frames with a ground-truth label)%n", (double) r.correct / r.labelled,
                    r.correct, r.labelled);
        }
        if (r.boxes > 0) {
            out.printf("  Objects found       %.4f at IoU>=0.5 (%d/%d), precision %.4f%n", (double) r.boxesFound / r.boxes,
                    r.boxesFound, r.boxes, r.boxPredictions == 0 ? 0.0 : (double) r.boxesFound / r.boxPredictions);
        }
        double sendSeconds = Math.max(1e-3, (sendEnd - sendStart) / 1e3);
        double pipelineSeconds = Math.max(1e-3, (r.lastOutputAt - sendStart) / 1e3);
        out.printf("  Throughput          %.0f frames/s sent, %.0f frames/s through the job (first frame sent to last result read)%n",
                sent / sendSeconds, r.accountedFor() / pipelineSeconds);
        if (!r.latencyMillis.isEmpty()) {
            List<Long> sorted = new ArrayList<>(r.latencyMillis);
            sorted.sort(null);
            out.printf("  Latency             p50 %d ms, p95 %d ms, p99 %d ms (event_time to detection readable, read_committed;"
                    + " bounded below by the checkpoint interval)%n", pct(sorted, 0.50), pct(sorted, 0.95), pct(sorted, 0.99));
        }
        printSparsity(r.reports);
        return complete;
    }

    private void printSparsity(List<SparsityReport> reports) {
        Map<String, List<SparsityReport>> byLayer = new LinkedHashMap<>();
        reports.stream().filter(rep -> rep.getSensorId() == null)
                .forEach(rep -> byLayer.computeIfAbsent(rep.getLayer(), k -> new ArrayList<>()).add(rep));
        if (byLayer.isEmpty()) {
            out.println("  Sparsity            no reports (the model has no ReLU layer, or no window closed)");
            return;
        }
        out.println("  Sparsity per ReLU layer (fraction of exact zeros per frame, over all windows):");
        out.printf("    %-20s %7s %6s %8s %7s %7s %7s %7s  %s%n", "layer", "windows", "units", "frames", "mean", "min", "p95", "max",
                "dead in every window");
        for (Map.Entry<String, List<SparsityReport>> e : byLayer.entrySet()) {
            List<SparsityReport> windows = e.getValue();
            long frames = windows.stream().mapToLong(SparsityReport::getFrames).sum();
            double mean = windows.stream().mapToDouble(w -> w.getMean() * w.getFrames()).sum() / Math.max(1, frames);
            double min = windows.stream().mapToDouble(SparsityReport::getMin).min().orElse(0);
            double max = windows.stream().mapToDouble(SparsityReport::getMax).max().orElse(0);
            double p95 = windows.stream().mapToDouble(SparsityReport::getP95).max().orElse(0);
            Set<Integer> dead = new HashSet<>(windows.get(0).getDeadUnitIndices());
            windows.forEach(w -> dead.retainAll(w.getDeadUnitIndices()));
            List<Integer> deadSorted = new ArrayList<>(dead);
            deadSorted.sort(null);
            out.printf("    %-20s %7d %6d %8d %7.4f %7.4f %7.4f %7.4f  %d %s%n", e.getKey(), windows.size(), windows.get(0).getUnits(),
                    frames, mean, min, p95, max, dead.size(), deadSorted.size() > 10 ? deadSorted.subList(0, 10) + "..." : deadSorted);
        }
    }

    private static long pct(List<Long> sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
