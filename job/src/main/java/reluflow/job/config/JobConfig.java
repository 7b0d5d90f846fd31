package reluflow.job.config;

import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import reluflow.engine.config.DecoderConfig;
import reluflow.engine.config.EngineConfig;

/**
 * The job's configuration, typed and validated once at start-up. It wraps a Flink Configuration so
 * operators can carry it to the TaskManagers (it is Serializable) and rebuild the same view there.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Keys under this prefix go to Flink's own configuration (e.g. flink.state.backend.type). */
    public static final String FLINK_PREFIX = "flink.";

    private final Configuration configuration;

    private JobConfig(Configuration configuration) {
        this.configuration = configuration;
    }

    /** Validates every key and value; fails with a message that names the key. */
    public static JobConfig of(Map<String, String> values) {
        Set<String> known = ReluflowOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
        for (String key : values.keySet()) {
            if (!known.contains(key) && !key.startsWith(ReluflowOptions.KAFKA_PROPERTIES_PREFIX) && !key.startsWith(FLINK_PREFIX)) {
                throw new InvalidConfigException("Unknown option '" + key + "'" + suggestion(key, known)
                        + ". Options are listed by './reluflow job options'; Kafka client properties go under '"
                        + ReluflowOptions.KAFKA_PROPERTIES_PREFIX + "', Flink's own under '" + FLINK_PREFIX + "'.");
            }
        }
        JobConfig config = new JobConfig(Configuration.fromMap(values));
        config.validate();
        return config;
    }

    public Configuration configuration() {
        return configuration;
    }

    private <T> T get(ConfigOption<T> option) {
        try {
            return configuration.get(option);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException("Option '" + option.key() + "' has a bad value '" + configuration.toMap().get(option.key())
                    + "': " + ReluflowOptions.describe(option), e);
        }
    }

    private void validate() {
        // Reading every option once surfaces unparsable values at start-up, not in a TaskManager.
        ReluflowOptions.all().forEach(this::get);
        require(ReluflowOptions.MODEL_PATH);
        positive(ReluflowOptions.BATCH_MAX_SIZE, batchMaxSize());
        if (batchMaxWait().isNegative()) {
            throw new InvalidConfigException("Option 'batch.max-wait' must not be negative");
        }
        if (sparsityWindow().isZero() || sparsityWindow().isNegative()) {
            throw new InvalidConfigException("Option 'sparsity.window' must be a positive duration, e.g. 10 s");
        }
        if (startingOffsets() == StartingOffsets.TIMESTAMP && !configuration.contains(ReluflowOptions.STARTING_TIMESTAMP)) {
            throw new InvalidConfigException("Option 'kafka.starting-offsets' is TIMESTAMP: set 'kafka.starting-timestamp' (epoch millis)");
        }
        if (framesTopicPattern() != null) {
            try {
                Pattern.compile(framesTopicPattern());
            } catch (PatternSyntaxException e) {
                throw new InvalidConfigException("Option 'kafka.frames-topic-pattern' is not a valid regex: " + e.getMessage(), e);
            }
        }
        if (delivery() == DeliveryMode.EXACTLY_ONCE && checkpointInterval().isZero()) {
            throw new InvalidConfigException("delivery.guarantee EXACTLY_ONCE commits Kafka transactions on checkpoints: "
                    + "set 'checkpoint.interval' above 0, or use AT_LEAST_ONCE");
        }
        if (delivery() == DeliveryMode.EXACTLY_ONCE && transactionTimeout().compareTo(checkpointInterval()) <= 0) {
            throw new InvalidConfigException("Option 'kafka.transaction-timeout' (" + transactionTimeout()
                    + ") must be longer than 'checkpoint.interval' (" + checkpointInterval() + ")");
        }
        if (parallelism() != null) {
            positive(ReluflowOptions.PARALLELISM, parallelism());
        }
        try {
            engineConfig().validate();
        } catch (reluflow.engine.EngineException e) {
            throw new InvalidConfigException(e.getMessage(), e);
        }
    }

    /** Kafka settings are needed only where the job reads or writes Kafka (not for runs over files). */
    public void requireKafka() {
        require(ReluflowOptions.BOOTSTRAP_SERVERS);
    }

    private void require(ConfigOption<String> option) {
        String value = configuration.get(option);
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException("Option '" + option.key() + "' is required: " + ReluflowOptions.describe(option));
        }
    }

    private static void positive(ConfigOption<Integer> option, int value) {
        if (value < 1) {
            throw new InvalidConfigException("Option '" + option.key() + "' must be >= 1, got " + value);
        }
    }

    public String bootstrapServers() {
        return get(ReluflowOptions.BOOTSTRAP_SERVERS);
    }

    public String framesTopic() {
        return get(ReluflowOptions.FRAMES_TOPIC);
    }

    public String framesTopicPattern() {
        return get(ReluflowOptions.FRAMES_TOPIC_PATTERN);
    }

    public String detectionsTopic() {
        return get(ReluflowOptions.DETECTIONS_TOPIC);
    }

    public String sparsityTopic() {
        return get(ReluflowOptions.SPARSITY_TOPIC);
    }

    public String deadLetterTopic() {
        return get(ReluflowOptions.DEAD_LETTER_TOPIC);
    }

    public String groupId() {
        return get(ReluflowOptions.GROUP_ID);
    }

    public StartingOffsets startingOffsets() {
        return get(ReluflowOptions.STARTING_OFFSETS);
    }

    public Long startingTimestamp() {
        return get(ReluflowOptions.STARTING_TIMESTAMP);
    }

    public String transactionalIdPrefix() {
        return get(ReluflowOptions.TRANSACTIONAL_ID_PREFIX);
    }

    public Duration transactionTimeout() {
        return get(ReluflowOptions.TRANSACTION_TIMEOUT);
    }

    public Duration outOfOrderness() {
        return get(ReluflowOptions.OUT_OF_ORDERNESS);
    }

    public Duration idleness() {
        return get(ReluflowOptions.IDLENESS);
    }

    public int batchMaxSize() {
        return get(ReluflowOptions.BATCH_MAX_SIZE);
    }

    public boolean batchAutoSize() {
        return get(ReluflowOptions.BATCH_AUTO_SIZE);
    }

    public Duration batchMaxWait() {
        return get(ReluflowOptions.BATCH_MAX_WAIT);
    }

    public String modelPath() {
        return get(ReluflowOptions.MODEL_PATH);
    }

    public Duration sparsityWindow() {
        return get(ReluflowOptions.SPARSITY_WINDOW);
    }

    public boolean sparsityPerSensor() {
        return get(ReluflowOptions.SPARSITY_PER_SENSOR);
    }

    public DeliveryMode delivery() {
        return get(ReluflowOptions.DELIVERY);
    }

    public Duration checkpointInterval() {
        return get(ReluflowOptions.CHECKPOINT_INTERVAL);
    }

    public Integer parallelism() {
        return get(ReluflowOptions.PARALLELISM);
    }

    public String jobName() {
        return get(ReluflowOptions.JOB_NAME);
    }

    /** Kafka client properties given under kafka.properties.*, prefix removed. */
    public Properties kafkaProperties() {
        Properties properties = new Properties();
        configuration.toMap().forEach((key, value) -> {
            if (key.startsWith(ReluflowOptions.KAFKA_PROPERTIES_PREFIX)) {
                properties.setProperty(key.substring(ReluflowOptions.KAFKA_PROPERTIES_PREFIX.length()), value);
            }
        });
        return properties;
    }

    /** Flink settings given under flink.*, prefix removed. */
    public Configuration flinkConfiguration() {
        Configuration flink = new Configuration();
        configuration.toMap().forEach((key, value) -> {
            if (key.startsWith(FLINK_PREFIX)) {
                flink.setString(key.substring(FLINK_PREFIX.length()), value);
            }
        });
        return flink;
    }

    /**
     * The engine's configuration. The model path names the model in messages; where the model is
     * read through a Flink file system, the bytes are handed to the engine separately.
     */
    public EngineConfig engineConfig() {
        String labels = get(ReluflowOptions.LABELS);
        DecoderConfig decoder = new DecoderConfig(
                get(ReluflowOptions.DECODER),
                get(ReluflowOptions.CLASSIFIER_OUTPUT),
                get(ReluflowOptions.SCORE_ACTIVATION),
                get(ReluflowOptions.TOP_K),
                get(ReluflowOptions.MIN_SCORE),
                labels == null ? null : Path.of(labels),
                get(ReluflowOptions.BOXES_OUTPUT),
                get(ReluflowOptions.SCORES_OUTPUT),
                get(ReluflowOptions.BOX_COORDINATES),
                get(ReluflowOptions.NMS_IOU),
                get(ReluflowOptions.MAX_DETECTIONS));
        return new EngineConfig(
                ModelLocation.displayPath(modelPath()),
                get(ReluflowOptions.MODEL_NAME),
                get(ReluflowOptions.MODEL_VERSION),
                get(ReluflowOptions.INPUT_NAME),
                get(ReluflowOptions.PROVIDER),
                get(ReluflowOptions.INTRA_OP_THREADS),
                get(ReluflowOptions.SAMPLE_RATE),
                get(ReluflowOptions.UINT8_SCALE),
                get(ReluflowOptions.UINT8_OFFSET),
                get(ReluflowOptions.MAX_FRAME_BYTES),
                decoder,
                get(ReluflowOptions.MODEL_SHA256));
    }

    /** Every setting, sorted, with secrets (passwords, JAAS configs, keys, tokens) masked: safe to log and print. */
    public String describe() {
        Map<String, String> sorted = new TreeMap<>(configuration.toMap());
        StringBuilder out = new StringBuilder();
        sorted.forEach((key, value) -> out.append(key).append(": ")
                .append(isSecret(key) ? "******" : value).append('\n'));
        return out.toString();
    }

    static boolean isSecret(String key) {
        String k = key.toLowerCase(java.util.Locale.ROOT);
        return GlobalConfiguration.isSensitive(key) || k.contains("jaas") || k.contains("password") || k.contains("secret")
                || k.contains("token") || k.endsWith(".key") || k.contains("credentials");
    }

    private static String suggestion(String key, Set<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(3, key.length() / 3) ? " (did you mean '" + best + "'?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
