package reluflow.job.inference;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import reluflow.engine.sparsity.LayerCounts;

/**
 * Pre-aggregates a batch's layer activities before they cross the shuffle to the keyed sparsity
 * windows: one {@link LayerSample} per layer, event-time window (and sensor, when per-sensor reports
 * are on) instead of one per frame and layer. On a small model the per-frame records, their
 * serialization and the window's state updates cost more than the inference itself.
 *
 * <p>A combined sample carries the latest event time of its frames, which lies in the same window as
 * every one of them, so it is assigned to the window each frame would have been.
 */
final class LayerSampleCombiner {
    interface Emitter {
        void emit(LayerSample sample, boolean hasTimestamp, long timestamp);
    }

    private final long windowMillis;
    private final boolean perSensor;
    private final Map<Group, Pending> pending = new LinkedHashMap<>();
    /**
     * The groups most recently added to, checked field by field before a key is built and hashed: a
     * batch's frames mostly share their window and sensor, so each layer's group is found here.
     */
    private final Group[] recentGroups = new Group[RECENT];
    private final Pending[] recentPending = new Pending[RECENT];
    private int nextRecent;
    private static final int RECENT = 8;

    LayerSampleCombiner(long windowMillis, boolean perSensor) {
        this.windowMillis = windowMillis;
        this.perSensor = perSensor;
    }

    /** Adds the activity of the frame at {@code position} of a batch's counts. */
    void add(String sensorId, LayerCounts activity, int position, boolean hasTimestamp, long timestamp) {
        long windowStart = hasTimestamp ? TimeWindow.getWindowStartWithOffset(timestamp, 0, windowMillis) : Long.MIN_VALUE;
        String sensor = perSensor ? sensorId : null;
        for (int i = 0; i < RECENT; i++) {
            Group g = recentGroups[i];
            if (g != null && g.matches(activity, sensor, hasTimestamp, windowStart)) {
                recentPending[i].add(activity, position, timestamp);
                return;
            }
        }
        Group group = new Group(activity.layer(), sensor, hasTimestamp, windowStart, activity.units(), activity.activations());
        Pending p = pending.get(group);
        if (p == null) {
            p = new Pending();
            pending.put(group, p);
        }
        recentGroups[nextRecent] = group;
        recentPending[nextRecent] = p;
        nextRecent = (nextRecent + 1) % RECENT;
        p.add(activity, position, timestamp);
    }

    /** Emits every pending sample, in the order their groups first appeared, and forgets them. */
    void flush(Emitter emitter) {
        for (Map.Entry<Group, Pending> entry : pending.entrySet()) {
            Group g = entry.getKey();
            Pending p = entry.getValue();
            LayerSample sample = new LayerSample();
            sample.layer = g.layer;
            sample.sensorId = g.sensorId;
            sample.units = g.units;
            sample.activations = g.activations;
            sample.zeros = Arrays.copyOf(p.zeros, p.frames);
            sample.firedUnits = p.fired;
            emitter.emit(sample, g.hasTimestamp, p.latestTimestamp);
        }
        pending.clear();
        Arrays.fill(recentGroups, null);
        Arrays.fill(recentPending, null);
    }

    private record Group(String layer, String sensorId, boolean hasTimestamp, long windowStart, int units, long activations) {
        boolean matches(LayerCounts activity, String sensor, boolean stamped, long start) {
            return windowStart == start && hasTimestamp == stamped && units == activity.units()
                    && activations == activity.activations() && layer.equals(activity.layer()) && java.util.Objects.equals(sensorId, sensor);
        }
    }

    private static final class Pending {
        private long[] zeros = new long[8];
        private int frames;
        private long[] fired = new long[0];
        private long latestTimestamp = Long.MIN_VALUE;

        void add(LayerCounts activity, int position, long timestamp) {
            if (frames == zeros.length) {
                zeros = Arrays.copyOf(zeros, frames * 2);
            }
            zeros[frames++] = activity.zeros(position);
            int words = activity.words();
            if (words > fired.length) {
                fired = Arrays.copyOf(fired, words);
            }
            for (int i = 0; i < words; i++) {
                fired[i] |= activity.firedWord(position, i);
            }
            latestTimestamp = Math.max(latestTimestamp, timestamp);
        }
    }
}
