package reluflow.job.inference;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reluflow.engine.EngineException;
import reluflow.engine.inference.BatchSizeCalibration;
import reluflow.engine.inference.InferenceEngine;
import reluflow.job.config.JobConfig;
import reluflow.job.config.ModelLocation;

/**
 * One engine per model configuration per TaskManager JVM, shared by the job's parallel subtasks
 * there (ONNX Runtime sessions are thread-safe), so parallelism does not multiply model memory.
 * Reference-counted: the last subtask to close it closes the sessions.
 */
public final class SharedEngines {
    private static final Logger LOG = LoggerFactory.getLogger(SharedEngines.class);
    private static final Map<String, Entry> ENGINES = new HashMap<>();
    /** Start-up time a TaskManager spends measuring a model's batch sizes (batch.auto-size). */
    static final Duration CALIBRATION_BUDGET = Duration.ofSeconds(2);

    private SharedEngines() {
    }

    public static synchronized Lease acquire(JobConfig config) throws EngineException {
        String key = key(config);
        Entry entry = ENGINES.get(key);
        if (entry == null) {
            long start = System.nanoTime();
            InferenceEngine engine = open(config);
            entry = new Entry(engine, (System.nanoTime() - start) / 1_000_000);
            ENGINES.put(key, entry);
            LOG.info("Loaded model {} (sha256 {}) in {} ms with layers {}", engine.identity().getName(), engine.identity().getSha256(),
                    entry.loadMillis, engine.layers());
        }
        entry.references++;
        return new Lease(key, entry, entry.loadMillis);
    }

    /** The batch size the engine's subtasks use: measured once per engine and maximum when auto-sizing. */
    private static synchronized int batchSize(Entry entry, int maxBatch, boolean auto) {
        if (!auto) {
            return maxBatch;
        }
        return entry.calibrated.computeIfAbsent(maxBatch, max -> {
            try {
                BatchSizeCalibration.Result result = BatchSizeCalibration.calibrate(entry.engine, max, CALIBRATION_BUDGET);
                LOG.info("Batch size for model {}: {} of batch.max-size {} ({}; microseconds per frame by batch size: {})",
                        entry.engine.identity().getName(), result.chosen(), max, result.reason(), result.microsPerFrame());
                return result.chosen();
            } catch (RuntimeException e) {
                // Calibration only tunes; a model it cannot measure still runs, at the configured maximum.
                LOG.warn("Batch size calibration failed for model {} ({}); using batch.max-size {}", entry.engine.identity().getName(),
                        e.toString(), max);
                return max;
            }
        });
    }

    /** Opens the model where it lives: the engine reads local files itself, Flink's file systems serve the rest. */
    public static InferenceEngine open(JobConfig config) throws EngineException {
        if (ModelLocation.isLocal(config.modelPath())) {
            return InferenceEngine.open(config.engineConfig());
        }
        return InferenceEngine.open(config.engineConfig(), ModelLocation.readRemote(config.modelPath()));
    }

    static synchronized int openEngines() {
        return ENGINES.size();
    }

    private static synchronized void release(String key) {
        Entry entry = ENGINES.get(key);
        if (entry != null && --entry.references == 0) {
            ENGINES.remove(key);
            entry.engine.close();
        }
    }

    /** Everything that changes how the model runs; two subtasks with the same key can share one engine. */
    private static String key(JobConfig config) {
        Map<String, String> relevant = new TreeMap<>();
        config.configuration().toMap().forEach((k, v) -> {
            if (k.startsWith("model.") || k.startsWith("engine.") || k.startsWith("decoder.") || k.startsWith("sparsity.sample-rate")) {
                relevant.put(k, v);
            }
        });
        return relevant.toString();
    }

    private static final class Entry {
        final InferenceEngine engine;
        final long loadMillis;
        /** Calibrated batch size by batch.max-size. */
        final Map<Integer, Integer> calibrated = new HashMap<>();
        int references;

        Entry(InferenceEngine engine, long loadMillis) {
            this.engine = engine;
            this.loadMillis = loadMillis;
        }
    }

    /** A subtask's hold on a shared engine; closing it releases the hold. */
    public static final class Lease implements AutoCloseable {
        private final String key;
        private final Entry entry;
        private final long loadMillis;
        private boolean closed;

        private Lease(String key, Entry entry, long loadMillis) {
            this.key = key;
            this.entry = entry;
            this.loadMillis = loadMillis;
        }

        public InferenceEngine engine() {
            return entry.engine;
        }

        /**
         * Frames per inference call for this job: batch.max-size, or with batch.auto-size the size the model was
         * measured to need on this machine (measured on first use, shared by the engine's subtasks).
         */
        public int batchSize(JobConfig config) {
            return SharedEngines.batchSize(entry, config.batchMaxSize(), config.batchAutoSize());
        }

        public long loadMillis() {
            return loadMillis;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(key);
            }
        }
    }
}
