package reluflow.job.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import reluflow.engine.config.DecoderConfig;
import reluflow.engine.config.EngineConfig;
import reluflow.engine.config.ExecutionProvider;

/**
 * Every option of the job, with its default and description: the one place they are documented.
 * Engine defaults come from {@link EngineConfig} and {@link DecoderConfig} so the CLI and the job agree.
 */
public final class ReluflowOptions {
    private ReluflowOptions() {
    }

    /** Kafka client properties pass through under this prefix, e.g. kafka.properties.security.protocol. */
    public static final String KAFKA_PROPERTIES_PREFIX = "kafka.properties.";

    // ---- Kafka ----
    public static final ConfigOption<String> BOOTSTRAP_SERVERS = key("kafka.bootstrap-servers").stringType().noDefaultValue()
            .withDescription("Kafka bootstrap servers, host:port[,host:port]. Required.");
    public static final ConfigOption<String> FRAMES_TOPIC = key("kafka.frames-topic").stringType().defaultValue("frames")
            .withDescription("Topic (or comma-separated topics) of Frame records. Ignored when kafka.frames-topic-pattern is set.");
    public static final ConfigOption<String> FRAMES_TOPIC_PATTERN = key("kafka.frames-topic-pattern").stringType().noDefaultValue()
            .withDescription("Java regex of frame topics, e.g. 'frames-.*'; new matching topics are discovered.");
    public static final ConfigOption<String> DETECTIONS_TOPIC = key("kafka.detections-topic").stringType().defaultValue("detections")
            .withDescription("Topic for FrameDetections records (one per valid frame).");
    public static final ConfigOption<String> SPARSITY_TOPIC = key("kafka.sparsity-topic").stringType().defaultValue("sparsity")
            .withDescription("Topic for SparsityReport records.");
    public static final ConfigOption<String> DEAD_LETTER_TOPIC = key("kafka.dead-letter-topic").stringType().defaultValue("dead-letters")
            .withDescription("Topic for DeadLetter records (every frame that could not be processed).");
    public static final ConfigOption<String> GROUP_ID = key("kafka.group-id").stringType().defaultValue("reluflow")
            .withDescription("Consumer group id; Flink commits offsets to it on checkpoints (for monitoring and 'committed' starts).");
    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS = key("kafka.starting-offsets").enumType(StartingOffsets.class)
            .defaultValue(StartingOffsets.COMMITTED)
            .withDescription("Where a job without a checkpoint starts: COMMITTED (the group's offsets, else earliest), EARLIEST, LATEST, TIMESTAMP.");
    public static final ConfigOption<Long> STARTING_TIMESTAMP = key("kafka.starting-timestamp").longType().noDefaultValue()
            .withDescription("Epoch millis to start from when kafka.starting-offsets is TIMESTAMP.");
    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX = key("kafka.transactional-id-prefix").stringType()
            .defaultValue("reluflow")
            .withDescription("Prefix of the sinks' transactional ids (exactly-once); unique per job writing to the same cluster.");
    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT = key("kafka.transaction-timeout").durationType()
            .defaultValue(Duration.ofMinutes(15))
            .withDescription("Producer transaction.timeout.ms for exactly-once; must be <= the broker's transaction.max.timeout.ms (15 min by default) and well above the checkpoint interval.");

    // ---- Event time ----
    public static final ConfigOption<Duration> OUT_OF_ORDERNESS = key("watermark.out-of-orderness").durationType()
            .defaultValue(Duration.ofSeconds(2))
            .withDescription("How late (by event_time) a frame may arrive and still count in its sparsity window.");
    public static final ConfigOption<Duration> IDLENESS = key("watermark.idleness").durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("A partition without frames for this long stops holding back event time.");

    // ---- Batching ----
    public static final ConfigOption<Integer> BATCH_MAX_SIZE = key("batch.max-size").intType().defaultValue(128)
            .withDescription("Frames per inference call, at most; with batch.auto-size, the size measured for the model up to it.");
    public static final ConfigOption<Boolean> BATCH_AUTO_SIZE = key("batch.auto-size").booleanType().defaultValue(true)
            .withDescription("Batch only as far as it pays: at start-up each TaskManager measures the model at batch sizes 1, 2, 4, ... "
                    + "up to batch.max-size and uses the smallest whose cost per frame is within 10% of the cheapest, or, where batching "
                    + "pays, the largest within 10% whose call takes under 1 ms. Small dense "
                    + "models keep large batches; compute-bound ones (convolutions), which cost the same per frame at any size, get "
                    + "small batches and lower latency at the same throughput. false: always batch.max-size.");
    public static final ConfigOption<Duration> BATCH_MAX_WAIT = key("batch.max-wait").durationType().defaultValue(Duration.ofMillis(10))
            .withDescription("Longest a frame waits for its batch to fill.");

    // ---- Model and engine ----
    public static final ConfigOption<String> MODEL_PATH = key("model.path").stringType().noDefaultValue()
            .withDescription("ONNX model: a local path or any Flink file system URI (file:, s3:, hdfs:). Required.");
    public static final ConfigOption<String> MODEL_NAME = key("model.name").stringType().noDefaultValue()
            .withDescription("Model name stamped on outputs (default: file name without .onnx).");
    public static final ConfigOption<String> MODEL_VERSION = key("model.version").stringType().noDefaultValue()
            .withDescription("Model version stamped on outputs (default: the model's model_version).");
    public static final ConfigOption<String> MODEL_SHA256 = key("model.sha256").stringType().noDefaultValue()
            .withDescription("Expected SHA-256 of the model file (64 hex digits, as sha256sum prints). When set, a model file with another hash refuses to start, at submission and on every TaskManager.");
    public static final ConfigOption<String> INPUT_NAME = key("model.input-name").stringType().noDefaultValue()
            .withDescription("Model input fed with frames (default: the model's only input).");
    public static final ConfigOption<ExecutionProvider> PROVIDER = key("engine.provider").enumType(ExecutionProvider.class)
            .defaultValue(EngineConfig.DEFAULT_PROVIDER)
            .withDescription("AUTO (CUDA when the GPU build finds a GPU, else CPU), CPU or CUDA (fails at start-up without one).");
    public static final ConfigOption<Integer> INTRA_OP_THREADS = key("engine.intra-op-threads").intType()
            .defaultValue(EngineConfig.DEFAULT_INTRA_OP_THREADS)
            .withDescription("ONNX Runtime intra-op threads per session; keep slots x threads <= cores.");
    public static final ConfigOption<Double> SAMPLE_RATE = key("sparsity.sample-rate").doubleType()
            .defaultValue(EngineConfig.DEFAULT_SAMPLE_RATE)
            .withDescription("Fraction of frames whose ReLU activations are measured (deterministic per sensor and frame id).");
    public static final ConfigOption<Float> UINT8_SCALE = key("engine.uint8-scale").floatType().defaultValue(EngineConfig.DEFAULT_UINT8_SCALE)
            .withDescription("UINT8 frames feed float models as value * scale + offset.");
    public static final ConfigOption<Float> UINT8_OFFSET = key("engine.uint8-offset").floatType().defaultValue(EngineConfig.DEFAULT_UINT8_OFFSET)
            .withDescription("See engine.uint8-scale.");
    public static final ConfigOption<Integer> MAX_FRAME_BYTES = key("engine.max-frame-bytes").intType()
            .defaultValue(EngineConfig.DEFAULT_MAX_FRAME_BYTES)
            .withDescription("Frames with more data bytes go to the dead letters as TOO_LARGE.");
    public static final ConfigOption<DecoderConfig.DecoderKind> DECODER = key("decoder.kind").enumType(DecoderConfig.DecoderKind.class)
            .noDefaultValue().withDescription("CLASSIFIER or BOXES (default: the model's reluflow.decoder metadata, else CLASSIFIER).");
    public static final ConfigOption<String> LABELS = key("decoder.labels").stringType().noDefaultValue()
            .withDescription("Labels file, one per line in class order (default: the model's reluflow.labels metadata).");
    public static final ConfigOption<Integer> TOP_K = key("decoder.top-k").intType().defaultValue(DecoderConfig.DEFAULT_TOP_K)
            .withDescription("Classifier: classes reported per frame.");
    public static final ConfigOption<Double> MIN_SCORE = key("decoder.min-score").doubleType().noDefaultValue()
            .withDescription("Drop detections scoring below this (default: 0 for classifiers, 0.5 for boxes).");
    public static final ConfigOption<DecoderConfig.ScoreActivation> SCORE_ACTIVATION = key("decoder.score-activation")
            .enumType(DecoderConfig.ScoreActivation.class).defaultValue(DecoderConfig.ScoreActivation.AUTO)
            .withDescription("Classifier scores: AUTO (softmax unless already probabilities), SOFTMAX, SIGMOID, NONE.");
    public static final ConfigOption<String> CLASSIFIER_OUTPUT = key("decoder.classifier-output").stringType().noDefaultValue()
            .withDescription("Classifier output name (default: the model's first output).");
    public static final ConfigOption<String> BOXES_OUTPUT = key("decoder.boxes-output").stringType().noDefaultValue()
            .withDescription("Box decoder: boxes output [N,A,4] (default: metadata, else 'boxes').");
    public static final ConfigOption<String> SCORES_OUTPUT = key("decoder.scores-output").stringType().noDefaultValue()
            .withDescription("Box decoder: scores output [N,A,C] (default: metadata, else 'scores').");
    public static final ConfigOption<DecoderConfig.BoxCoordinates> BOX_COORDINATES = key("decoder.box-coordinates")
            .enumType(DecoderConfig.BoxCoordinates.class).defaultValue(DecoderConfig.BoxCoordinates.NORMALIZED)
            .withDescription("Box decoder: NORMALIZED ([0,1]) or PIXELS (divided by the input's width and height).");
    public static final ConfigOption<Double> NMS_IOU = key("decoder.nms-iou").doubleType().defaultValue(DecoderConfig.DEFAULT_NMS_IOU)
            .withDescription("Box decoder: per-class non-maximum suppression IoU threshold.");
    public static final ConfigOption<Integer> MAX_DETECTIONS = key("decoder.max-detections").intType()
            .defaultValue(DecoderConfig.DEFAULT_MAX_DETECTIONS)
            .withDescription("Box decoder: at most this many boxes per frame.");

    // ---- Sparsity reports ----
    public static final ConfigOption<Duration> SPARSITY_WINDOW = key("sparsity.window").durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Event-time tumbling window of the sparsity reports.");
    public static final ConfigOption<Boolean> SPARSITY_PER_SENSOR = key("sparsity.per-sensor").booleanType().defaultValue(false)
            .withDescription("Also report each sensor's sparsity (sensor_id set), beside the all-sensor reports.");

    // ---- Delivery and checkpoints ----
    public static final ConfigOption<DeliveryMode> DELIVERY = key("delivery.guarantee").enumType(DeliveryMode.class)
            .defaultValue(DeliveryMode.EXACTLY_ONCE)
            .withDescription("EXACTLY_ONCE (Kafka transactions committed on checkpoints: consumers must read with isolation.level=read_committed) or AT_LEAST_ONCE.");
    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = key("checkpoint.interval").durationType()
            .defaultValue(Duration.ofSeconds(10))
            .withDescription("Checkpoint interval; with exactly-once, outputs become visible at this pace. 0 turns checkpointing off (at-least-once only).");
    public static final ConfigOption<Integer> PARALLELISM = key("parallelism").intType().noDefaultValue()
            .withDescription("Job parallelism (default: the cluster's).");
    public static final ConfigOption<String> JOB_NAME = key("job.name").stringType().defaultValue("reluflow")
            .withDescription("Flink job name.");

    /** An option's description as plain text, for messages and listings. */
    public static String describe(ConfigOption<?> option) {
        return new org.apache.flink.configuration.description.HtmlFormatter().format(option.description())
                .replaceAll("<[^>]+>", "").replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&amp;", "&");
    }

    /** All options declared above, found by reflection so a new one cannot be forgotten. */
    public static List<ConfigOption<?>> all() {
        List<ConfigOption<?>> options = new ArrayList<>();
        for (Field field : ReluflowOptions.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == ConfigOption.class) {
                try {
                    options.add((ConfigOption<?>) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return options;
    }
}
