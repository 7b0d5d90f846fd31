package reluflow.cli.replay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import reluflow.avro.SparsityReport;

/**
 * Two runs' sparsity reports matched by (layer, window start, window end, sensor), summarised per layer:
 * frame-weighted mean zero fraction on each side and its shift, the largest shift of one window, mean dead
 * units on each side, and the units that became dead or came back to life in any matched window.
 */
final class SparsityComparison {

    record LayerShift(String layer, int windows, int onlyBaseline, int onlyCandidate, double baselineMean, double candidateMean,
                      double maxAbsWindowShift, double baselineDead, double candidateDead, SortedSet<Integer> newlyDead,
                      SortedSet<Integer> revived) {
        double meanShift() {
            return candidateMean - baselineMean;
        }
    }

    private record WindowKey(String layer, long start, long end, String sensor) {
    }

    private SparsityComparison() {
    }

    static List<LayerShift> of(List<SparsityReport> baseline, List<SparsityReport> candidate) {
        Map<WindowKey, SparsityReport> b = index(baseline);
        Map<WindowKey, SparsityReport> c = index(candidate);
        Set<String> layers = new LinkedHashSet<>();
        b.keySet().forEach(k -> layers.add(k.layer()));
        c.keySet().forEach(k -> layers.add(k.layer()));
        List<LayerShift> out = new ArrayList<>();
        for (String layer : layers) {
            int windows = 0;
            int onlyB = 0;
            int onlyC = 0;
            double bSum = 0;
            double cSum = 0;
            long bFrames = 0;
            long cFrames = 0;
            double maxShift = 0;
            double bDead = 0;
            double cDead = 0;
            SortedSet<Integer> newlyDead = new TreeSet<>();
            SortedSet<Integer> revived = new TreeSet<>();
            for (Map.Entry<WindowKey, SparsityReport> e : b.entrySet()) {
                if (!e.getKey().layer().equals(layer)) {
                    continue;
                }
                SparsityReport other = c.get(e.getKey());
                if (other == null) {
                    onlyB++;
                    continue;
                }
                SparsityReport base = e.getValue();
                windows++;
                bSum += base.getMean() * base.getFrames();
                cSum += other.getMean() * other.getFrames();
                bFrames += base.getFrames();
                cFrames += other.getFrames();
                maxShift = Math.max(maxShift, Math.abs(other.getMean() - base.getMean()));
                bDead += base.getDeadUnits();
                cDead += other.getDeadUnits();
                Set<Integer> before = new HashSet<>(base.getDeadUnitIndices());
                Set<Integer> after = new HashSet<>(other.getDeadUnitIndices());
                after.stream().filter(u -> !before.contains(u)).forEach(newlyDead::add);
                before.stream().filter(u -> !after.contains(u)).forEach(revived::add);
            }
            for (WindowKey k : c.keySet()) {
                if (k.layer().equals(layer) && !b.containsKey(k)) {
                    onlyC++;
                }
            }
            out.add(new LayerShift(layer, windows, onlyB, onlyC, bFrames == 0 ? 0 : bSum / bFrames, cFrames == 0 ? 0 : cSum / cFrames,
                    maxShift, windows == 0 ? 0 : bDead / windows, windows == 0 ? 0 : cDead / windows, newlyDead, revived));
        }
        return out;
    }

    private static Map<WindowKey, SparsityReport> index(List<SparsityReport> reports) {
        Map<WindowKey, SparsityReport> map = new LinkedHashMap<>();
        for (SparsityReport r : reports) {
            map.put(new WindowKey(r.getLayer(), r.getWindowStart().toEpochMilli(), r.getWindowEnd().toEpochMilli(),
                    Objects.toString(r.getSensorId(), null)), r);
        }
        return map;
    }
}
