package reluflow.engine.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

/**
 * Finds how far batching pays for one model on this machine: the smallest batch size, up to a maximum,
 * whose cost per frame is within {@link #TOLERANCE} of the cheapest measured.
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
     * choices (32 and 16) are the same at 5% and 10%.
     */
    public static final double TOLERANCE = 0.10;
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
     * Models that cannot batch (a fixed batch of 1, dynamic frame axes) and a maximum of 1 are not measured.
     */
    public static Result calibrate(InferenceEngine engine, int maxBatch, Duration budget) {
        if (maxBatch <= 1) {
            return new Result(Math.max(1, maxBatch), new TreeMap<>(), "batch.max-size is 1");
        }
        if (!engine.batchable()) {
            return new Result(maxBatch, new TreeMap<>(), "the model runs frame by frame (fixed batch axis or dynamic frame shape)");
        }
        List<Integer> sizes = candidates(maxBatch);
        List<Frame> frames = syntheticFrames(engine, maxBatch);
        long budgetNanos = budget.toNanos();
        long start = System.nanoTime();
        // A few single frames first: a large model must not spend a whole round (about maxBatch frames per size)
        // before calibration finds it cannot fit the budget; start-up waits for this. The cheapest of three, since the
        // first call also makes the pinned tensors and runs cold code (5.5 ms against 0.35 ms for the demo CNN).
        long oneFrameNanos = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long called = System.nanoTime();
            engine.infer(frames.subList(i, i + 1));
            oneFrameNanos = Math.min(oneFrameNanos, System.nanoTime() - called);
        }
        long estimatedRoundNanos = oneFrameNanos * maxBatch * sizes.size();
        if (estimatedRoundNanos * (MIN_ROUNDS + 1) > budgetNanos) {
            return new Result(maxBatch, new TreeMap<>(), "the model is too slow to measure within " + budget.toMillis()
                    + " ms (one frame took " + oneFrameNanos / 1_000 + " us)");
        }
        // The first round warms the engine up (pinned tensors, JIT) and tells whether calibration fits the budget.
        runRound(engine, frames, sizes, maxBatch, new double[sizes.size()]);
        long roundNanos = System.nanoTime() - start;
        if (roundNanos * (MIN_ROUNDS + 1) > budgetNanos) {
            return new Result(maxBatch, new TreeMap<>(), "the model is too slow to measure within " + budget.toMillis()
                    + " ms (one round took " + roundNanos / 1_000_000 + " ms)");
        }
        double[] best = new double[sizes.size()];
        Arrays.fill(best, Double.MAX_VALUE);
        int rounds = 0;
        while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || System.nanoTime() - start + roundNanos <= budgetNanos)) {
            double[] cost = new double[sizes.size()];
            runRound(engine, frames, sizes, maxBatch, cost);
            for (int i = 0; i < cost.length; i++) {
                best[i] = Math.min(best[i], cost[i]);
            }
            rounds++;
        }
        SortedMap<Integer, Double> micros = new TreeMap<>();
        for (int i = 0; i < sizes.size(); i++) {
            micros.put(sizes.get(i), best[i] / 1_000.0);
        }
        int chosen = choose(micros, TOLERANCE);
        return new Result(chosen, micros, "smallest size within " + Math.round(TOLERANCE * 100) + "% of the cheapest per frame, "
                + rounds + " rounds");
    }

    /** The smallest size whose cost per frame is within tolerance of the cheapest. */
    static int choose(SortedMap<Integer, Double> costPerFrame, double tolerance) {
        double cheapest = Collections.min(costPerFrame.values());
        for (var entry : costPerFrame.entrySet()) {
            if (entry.getValue() <= cheapest * (1 + tolerance)) {
                return entry.getKey();
            }
        }
        throw new IllegalArgumentException("no batch sizes measured");
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

    /** Each size in turn runs about maxBatch frames; cost[i] gets size i's nanoseconds per frame. */
    private static void runRound(InferenceEngine engine, List<Frame> frames, List<Integer> sizes, int maxBatch, double[] cost) {
        for (int i = 0; i < sizes.size(); i++) {
            int size = sizes.get(i);
            int calls = Math.max(1, maxBatch / size);
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
