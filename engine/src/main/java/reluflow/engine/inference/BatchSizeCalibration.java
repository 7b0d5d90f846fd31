package reluflow.engine.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/**
 * Finds how far batching pays for one model on this machine: the smallest batch size, up to a maximum,
 * whose cost per frame is within {@link #TOLERANCE} of the cheapest measured; where batching pays (a
 * fixed cost per call dominates), the largest size within that tolerance whose whole call stays under
 * {@link #SHORT_CALL_MICROS}.
 *
 * <p>Batching amortises the fixed cost of an inference call, which dominates small dense models (the
 * demo MLP runs 12x more frames per second at batch 32 than at batch 1), but a compute-bound model
 * (convolutions) costs the same per frame at any batch size, and there a full batch only makes every
 * frame wait for the whole batch: on two cores at half the sustained rate the CNN's p99 latency was
 * 91-153 ms with batches of 32 and 25-28 ms with batches of 8, at the same throughput.
 *
 * <p>Sizes 1, 2, 4, ... up to the maximum run interleaved in rounds on synthetic frames of the model's
 * shape (each size about the same number of frames per round), after one warm-up round; a size's cost
 * is its cheapest round, the figure least disturbed by other work on a shared machine.
 */
public final class BatchSizeCalibration {
    /**
     * A batch size is chosen when its cost per frame is within this fraction of the cheapest size's. At 5% the
     * demo CNN, whose sizes all cost within about 8% of each other, got 1, 2 or 4 from run to run on a quiet
     * machine and up to 16 while the job's other threads started beside it; the MLP's and the Crayfish shape's
     * choices (32 and 16 of at most 32) are the same at 5% and 10%.
     */
    public static final double TOLERANCE = 0.10;
    /**
     * Where batching pays, a size larger than the smallest within tolerance is taken while its whole call stays under
     * this: each frame waits for its batch's call, so such a size adds at most this to a frame's latency, a tenth of
     * batch.max-wait's default, and the operator's work per batch (flush, a layer sample per layer, metrics), which
     * calibration does not measure, happens less often. The smallest-within-10% rule alone gave the demo MLP 64 of
     * 128 (0.46 against 0.42-0.45 us a frame, calls of 29 and 54 us) and the Crayfish-shaped model 32 or 64.
     */
    static final double SHORT_CALL_MICROS = 1_000;
    /**
     * A model whose frames cannot be made up (dynamic frame axes) is not measured and groups at most this many frames
     * per call: the batch.max-size default before larger batches were measured to pay for small dense models. A
     * compute-bound model of that kind would make each frame wait for up to this many frames' inference.
     */
    static final int UNMEASURED_MAX = 32;
    private static final int MAX_ROUNDS = 10;
    private static final int MIN_ROUNDS = 2;

    private BatchSizeCalibration() {
    }

    /**
     * @param chosen the batch size to use
     * @param microsPerFrame each measured size's cost per frame (empty when nothing was measured)
     * @param reason how the size was chosen, for the log
     */
    public record Result(int chosen, SortedMap<Integer, Double> microsPerFrame, String reason) {
    }

    /**
     * Measures the engine at batch sizes up to {@code maxBatch} within about {@code budget}, and picks one.
     * A model with a fixed batch of 1 is measured too: its frames run one call each, and grouping them only makes the
     * first wait for the rest unless the operator's per-batch work is what pays. Dynamic frame axes and a maximum of 1
     * are not measured.
     */
    public static Result calibrate(InferenceEngine engine, int maxBatch, Duration budget) {
        if (maxBatch <= 1) {
            return new Result(Math.max(1, maxBatch), new TreeMap<>(), "batch.max-size is 1");
        }
        if (!engine.inputLayout().staticFrameShape()) {
            int kept = Math.min(maxBatch, UNMEASURED_MAX);
            return new Result(kept, new TreeMap<>(), "the model's frame shape is dynamic: no frames to measure it with, so "
                    + kept + " (at most " + UNMEASURED_MAX + ")");
        }
        List<Frame> singles = syntheticFrames(engine, 3);
        long budgetNanos = budget.toNanos();
        long start = System.nanoTime();
        // A few single frames first: a large model must not spend a whole round (about maxBatch frames per size)
        // before calibration finds it cannot fit the budget; start-up waits for this. The cheapest of three, since the
        // first call also makes the pinned tensors and runs cold code (5.5 ms against 0.35 ms for the demo CNN).
        long oneFrameNanos = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long called = System.nanoTime();
            engine.infer(singles.subList(i, i + 1));
            oneFrameNanos = Math.min(oneFrameNanos, System.nanoTime() - called);
        }
        int top = largestMeasurable(maxBatch, oneFrameNanos, budgetNanos - (System.nanoTime() - start));
        if (top < 2) {
            // Even sizes 1 and 2 do not fit: a call of one frame is long enough that batching has no fixed cost to
            // amortise worth a frame's wait, and batch.max-size frames would make every frame wait for all of them.
            return new Result(1, new TreeMap<>(), "the model is too slow to measure within " + budget.toMillis()
                    + " ms (one frame took " + oneFrameNanos / 1_000 + " us): frame by frame");
        }
        List<Integer> sizes = candidates(top);
        // Made only now: at sizes up to batch.max-size, frames of a large input would take memory for sizes not measured.
        List<Frame> frames = syntheticFrames(engine, top);
        String limited = top < maxBatch ? "; sizes up to " + top + ", the largest that fit the " + budget.toMillis() + " ms budget" : "";
        // The first round warms the engine up (pinned tensors, JIT) and tells whether calibration fits the budget.
        double[] firstRound = new double[sizes.size()];
        long roundStart = System.nanoTime();
        runRound(engine, frames, sizes, top, firstRound);
        long roundNanos = System.nanoTime() - roundStart;
        if (System.nanoTime() - start + roundNanos * MIN_ROUNDS > budgetNanos) {
            // Slower than one frame foretold (a cold first call): the one round measured decides.
            SortedMap<Integer, Double> micros = micros(sizes, firstRound);
            return new Result(choose(micros, TOLERANCE), micros, "one round only: it took " + roundNanos / 1_000_000 + " ms" + limited);
        }
        double[] best = new double[sizes.size()];
        Arrays.fill(best, Double.MAX_VALUE);
        int rounds = 0;
        while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || System.nanoTime() - start + roundNanos <= budgetNanos)) {
            double[] cost = new double[sizes.size()];
            runRound(engine, frames, sizes, top, cost);
            for (int i = 0; i < cost.length; i++) {
                best[i] = Math.min(best[i], cost[i]);
            }
            rounds++;
        }
        SortedMap<Integer, Double> micros = micros(sizes, best);
        int chosen = choose(micros, TOLERANCE);
        return new Result(chosen, micros, "smallest size within " + Math.round(TOLERANCE * 100) + "% of the cheapest per frame, "
                + "or where batching pays the largest such whose call is under " + Math.round(SHORT_CALL_MICROS) + " us, "
                + rounds + " rounds" + limited);
    }

    /**
     * The largest candidate size whose rounds (each size running about that many frames) fit the budget
     * {@link #MIN_ROUNDS} + 1 times, the warm-up round included, foretold from one frame's cost; 1 when not even
     * size 2 fits. A slow model is measured on the small sizes that fit rather than not at all: before, a model
     * over about 3 ms a frame kept batch.max-size unmeasured, and a larger maximum lowers that bar.
     */
    static int largestMeasurable(int maxBatch, long oneFrameNanos, long budgetNanos) {
        int top = 1;
        List<Integer> sizes = candidates(maxBatch);
        for (int i = 1; i < sizes.size(); i++) {
            int size = sizes.get(i);
            double roundNanos = (double) oneFrameNanos * size * (i + 1);
            if (roundNanos * (MIN_ROUNDS + 1) > budgetNanos) {
                break;
            }
            top = size;
        }
        return top;
    }

    private static SortedMap<Integer, Double> micros(List<Integer> sizes, double[] nanosPerFrame) {
        SortedMap<Integer, Double> micros = new TreeMap<>();
        for (int i = 0; i < sizes.size(); i++) {
            micros.put(sizes.get(i), nanosPerFrame[i] / 1_000.0);
        }
        return micros;
    }

    /**
     * The smallest size whose cost per frame (microseconds) is within tolerance of the cheapest; when that is not the
     * smallest size measured (batching pays), the largest size within tolerance whose call, size times cost per
     * frame, is under {@link #SHORT_CALL_MICROS}, if larger. A model that costs the same per frame at any size
     * (compute-bound) keeps the smallest.
     */
    static int choose(SortedMap<Integer, Double> costPerFrame, double tolerance) {
        double bound = Collections.min(costPerFrame.values()) * (1 + tolerance);
        List<Integer> within = costPerFrame.entrySet().stream().filter(e -> e.getValue() <= bound).map(Map.Entry::getKey).toList();
        int smallest = within.get(0);
        if (smallest == costPerFrame.firstKey()) {
            return smallest;
        }
        int chosen = smallest;
        for (int size : within) {
            if (size * costPerFrame.get(size) < SHORT_CALL_MICROS) {
                chosen = size;
            }
        }
        return chosen;
    }

    /** 1, 2, 4, ... below maxBatch, then maxBatch itself. */
    static List<Integer> candidates(int maxBatch) {
        List<Integer> sizes = new ArrayList<>();
        for (int size = 1; size < maxBatch; size <<= 1) {
            sizes.add(size);
        }
        sizes.add(maxBatch);
        return sizes;
    }

    /** Each size in turn runs about top (the largest size) frames; cost[i] gets size i's nanoseconds per frame. */
    private static void runRound(InferenceEngine engine, List<Frame> frames, List<Integer> sizes, int top, double[] cost) {
        for (int i = 0; i < sizes.size(); i++) {
            int size = sizes.get(i);
            int calls = Math.max(1, top / size);
            long started = System.nanoTime();
            for (int call = 0; call < calls; call++) {
                int from = (call * size) % (frames.size() - size + 1);
                if (engine.infer(frames.subList(from, from + size)).size() != size) {
                    throw new IllegalStateException("calibration lost frames");
                }
            }
            cost[i] = (System.nanoTime() - started) / (double) (calls * size);
        }
    }

    /** Frames of the model's shape with seeded random values, so calibration sees data like real frames, not zeros. */
    private static List<Frame> syntheticFrames(InferenceEngine engine, int count) {
        long[] dims = engine.inputLayout().frameDims();
        boolean uint8 = engine.inputLayout().input().isUint8();
        int elements = Math.toIntExact(Arrays.stream(dims).reduce(1, (a, b) -> a * b));
        List<Integer> shape = Arrays.stream(dims).mapToObj(d -> (int) d).toList();
        Random random = new Random(42);
        List<Frame> frames = new ArrayList<>(count);
        for (int f = 0; f < count; f++) {
            ByteBuffer data = ByteBuffer.allocate(elements * (uint8 ? 1 : Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            for (int e = 0; e < elements; e++) {
                if (uint8) {
                    data.put((byte) random.nextInt(256));
                } else {
                    data.putFloat(random.nextFloat());
                }
            }
            data.flip();
            frames.add(Frame.newBuilder()
                    .setSensorId("calibration")
                    .setFrameId(f)
                    .setEventTime(Instant.EPOCH)
                    .setShape(shape)
                    .setDtype(uint8 ? TensorType.UINT8 : TensorType.FLOAT32)
                    .setData(data)
                    .build());
        }
        return frames;
    }
}
