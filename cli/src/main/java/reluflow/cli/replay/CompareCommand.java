package reluflow.cli.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.avro.ModelIdentity;
import reluflow.cli.UserError;

@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare two runs' outputs, each a folder with detections.avro (FrameDetections) and optionally "
                + "sparsity.avro (SparsityReport): frames matched on (sensor_id, frame_id), changed top-1 classes, score "
                + "deltas of the unchanged top class, IoU of matched boxes, and per layer (matched by layer, window and "
                + "sensor) the zero-fraction shift and dead-unit changes.",
                "Exit code 1 when a threshold given as an option is exceeded (the report says which), else 0."})
public final class CompareCommand implements Callable<Integer> {
    @Option(names = "--baseline", required = true, paramLabel = "DIR", description = "Outputs of the reference run.")
    Path baseline;

    @Option(names = "--candidate", required = true, paramLabel = "DIR", description = "Outputs of the run under test.")
    Path candidate;

    @Option(names = "--max-changed-classes", paramLabel = "F",
            description = "Fail when more than this fraction (0..1) of matched frames changed their top-1 class.")
    Double maxChangedClasses;

    @Option(names = "--max-score-delta", paramLabel = "D",
            description = "Fail when the score of an unchanged top-1 class moved by more than D on any frame.")
    Double maxScoreDelta;

    @Option(names = "--min-box-iou", paramLabel = "I", description = "Fail when any pair of matched boxes overlaps with IoU below I.")
    Double minBoxIou;

    @Option(names = "--max-sparsity-shift", paramLabel = "S",
            description = "Fail when any layer's mean zero fraction moved by more than S (absolute, 0..1).")
    Double maxSparsityShift;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        checkRange("--max-changed-classes", maxChangedClasses);
        checkRange("--min-box-iou", minBoxIou);
        checkRange("--max-sparsity-shift", maxSparsityShift);
        if (maxScoreDelta != null && !(maxScoreDelta >= 0)) {
            throw new UserError("--max-score-delta must be >= 0, got " + maxScoreDelta);
        }
        RunOutputs base = RunOutputs.read(baseline, "Baseline");
        RunOutputs cand = RunOutputs.read(candidate, "Candidate");
        if (base.hasSparsity() != cand.hasSparsity()) {
            throw new UserError((base.hasSparsity() ? "Candidate " + candidate : "Baseline " + baseline) + " has no "
                    + RunOutputs.SPARSITY + " while the other side has one");
        }
        DetectionComparison detections = DetectionComparison.of(base, cand);
        List<SparsityComparison.LayerShift> layers = SparsityComparison.of(base.sparsity(), cand.sparsity());

        PrintWriter out = spec.commandLine().getOut();
        out.printf("Baseline   %s  %s%n", baseline, model(base.model()));
        out.printf("Candidate  %s  %s%n", candidate, model(cand.model()));
        out.println();
        printDetections(out, base, cand, detections);
        out.println();
        printSparsity(out, base.hasSparsity(), layers);
        out.println();
        List<Threshold> thresholds = thresholds(detections, layers);
        long exceeded = thresholds.stream().filter(Threshold::exceeded).count();
        out.println("Thresholds");
        if (thresholds.isEmpty()) {
            out.println("  none given (--max-changed-classes, --max-score-delta, --min-box-iou, --max-sparsity-shift)");
        }
        thresholds.forEach(t -> out.println("  " + t.describe()));
        out.println(exceeded == 0 ? "Result: PASS" + (thresholds.isEmpty() ? " (nothing to check)" : " (no threshold exceeded)")
                : "Result: FAIL (" + exceeded + " threshold" + (exceeded == 1 ? "" : "s") + " exceeded: "
                + String.join(", ", thresholds.stream().filter(Threshold::exceeded).map(Threshold::option).toList()) + ")");
        out.flush();
        return exceeded == 0 ? 0 : 1;
    }

    private static void printDetections(PrintWriter out, RunOutputs base, RunOutputs cand, DetectionComparison d) {
        out.println("Frames");
        out.printf("  matched                   %d%n", d.matched());
        out.printf("  only in baseline          %d%n", d.onlyBaseline());
        out.printf("  only in candidate         %d%n", d.onlyCandidate());
        if (base.duplicates() + cand.duplicates() > 0) {
            out.printf("  duplicates (last kept)    baseline %d, candidate %d%n", base.duplicates(), cand.duplicates());
        }
        out.println("Top-1 class");
        out.printf(Locale.ROOT, "  changed                   %d of %d (%.2f%%)%n", d.changed(), d.matched(), 100 * d.changedFraction());
        for (DetectionComparison.Change c : d.examples()) {
            out.printf("    %s frame %d: %s -> %s%n", c.frame().sensorId(), c.frame().frameId(), c.from(), c.to());
        }
        out.printf("Score of the unchanged top-1 class (%d frames)%n", d.scoreDeltas().count());
        if (d.scoreDeltas().isEmpty()) {
            out.println("  no frame kept its top-1 class");
        } else {
            out.printf(Locale.ROOT, "  max |delta|               %.4f%n", d.scoreDeltas().max());
            out.printf(Locale.ROOT, "  p99 |delta|               %.4f%n", d.scoreDeltas().at(0.99));
        }
        out.println("Boxes (paired within a frame by class, highest IoU first)");
        if (d.framesWithBoxes() == 0) {
            out.println("  no boxes on either side");
        } else {
            out.printf("  frames with boxes         %d%n", d.framesWithBoxes());
            out.printf("  matched pairs             %d%n", d.ious().count());
            if (!d.ious().isEmpty()) {
                out.printf(Locale.ROOT, "  min IoU                   %.4f%n", d.ious().min());
                out.printf(Locale.ROOT, "  p5 IoU                    %.4f%n", d.ious().at(0.05));
            }
            out.printf("  only in baseline          %d%n", d.boxesOnlyBaseline());
            out.printf("  only in candidate         %d%n", d.boxesOnlyCandidate());
        }
    }

    private static void printSparsity(PrintWriter out, boolean present, List<SparsityComparison.LayerShift> layers) {
        out.println("Sparsity per layer (windows matched by layer, window and sensor; means weighted by frames)");
        if (!present) {
            out.println("  no " + RunOutputs.SPARSITY + " on either side");
            return;
        }
        if (layers.isEmpty()) {
            out.println("  no reports on either side");
            return;
        }
        int width = Math.max(5, layers.stream().mapToInt(l -> l.layer().length()).max().orElse(5));
        out.printf(Locale.ROOT, "  %-" + width + "s  %7s  %9s  %9s  %9s  %10s  %-13s  %-16s  %s%n", "layer", "windows", "baseline",
                "candidate", "shift", "max|shift|", "dead (mean)", "newly dead", "revived");
        for (SparsityComparison.LayerShift l : layers) {
            String windows = l.windows() + (l.onlyBaseline() + l.onlyCandidate() > 0
                    ? " (+" + l.onlyBaseline() + "b/+" + l.onlyCandidate() + "c)" : "");
            out.printf(Locale.ROOT, "  %-" + width + "s  %7s  %9.4f  %9.4f  %+9.4f  %10.4f  %-13s  %-16s  %s%n", l.layer(), windows,
                    l.baselineMean(), l.candidateMean(), l.meanShift(), l.maxAbsWindowShift(),
                    String.format(Locale.ROOT, "%.1f -> %.1f", l.baselineDead(), l.candidateDead()), units(l.newlyDead()),
                    units(l.revived()));
        }
    }

    private List<Threshold> thresholds(DetectionComparison d, List<SparsityComparison.LayerShift> layers) {
        List<Threshold> list = new ArrayList<>();
        if (maxChangedClasses != null) {
            list.add(new Threshold("changed top-1 fraction", "--max-changed-classes", d.matched() == 0 ? null : d.changedFraction(),
                    maxChangedClasses, true, "no matched frames"));
        }
        if (maxScoreDelta != null) {
            list.add(new Threshold("max top-1 score delta", "--max-score-delta", d.scoreDeltas().isEmpty() ? null : d.scoreDeltas().max(),
                    maxScoreDelta, true, "no frame kept its top-1 class"));
        }
        if (minBoxIou != null) {
            list.add(new Threshold("min box IoU", "--min-box-iou", d.ious().isEmpty() ? null : d.ious().min(), minBoxIou, false,
                    "no matched boxes"));
        }
        if (maxSparsityShift != null) {
            List<SparsityComparison.LayerShift> matched = layers.stream().filter(l -> l.windows() > 0).toList();
            if (matched.isEmpty()) {
                list.add(new Threshold("layer zero-fraction shift", "--max-sparsity-shift", null, maxSparsityShift, true,
                        "no matched sparsity windows"));
            }
            for (SparsityComparison.LayerShift l : matched) {
                list.add(new Threshold("|zero-fraction shift| " + l.layer(), "--max-sparsity-shift", Math.abs(l.meanShift()),
                        maxSparsityShift, true, ""));
            }
        }
        return list;
    }

    private static String units(SortedSet<Integer> units) {
        if (units.isEmpty()) {
            return "-";
        }
        List<String> shown = units.stream().limit(8).map(String::valueOf).toList();
        return units.size() + " [" + String.join(",", shown) + (units.size() > 8 ? ",..." : "") + "]";
    }

    private static String model(ModelIdentity model) {
        if (model == null) {
            return "(no detections)";
        }
        String sha = model.getSha256() == null ? "" : model.getSha256();
        return "model " + model.getName() + (model.getVersion() == null || model.getVersion().isEmpty() ? "" : " " + model.getVersion())
                + " sha256 " + sha.substring(0, Math.min(12, sha.length()));
    }

    private static void checkRange(String option, Double value) {
        if (value != null && !(value >= 0 && value <= 1)) {
            throw new UserError(option + " must be within [0, 1], got " + value);
        }
    }
}
