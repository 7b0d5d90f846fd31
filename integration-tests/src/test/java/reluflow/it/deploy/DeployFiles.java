package reluflow.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import reluflow.job.config.ConfigLoader;
import reluflow.job.config.JobConfig;
import reluflow.job.config.ReluflowOptions;

/** Reading the deployment files, relative to the repository root (system property reluflow.root, else ..). */
final class DeployFiles {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    /** The metrics the job registers (InferenceMetrics), as Flink's Prometheus reporter names them. */
    static final String METRIC_PREFIX = "flink_taskmanager_job_task_operator_reluflow_";
    /**
     * A metric in a key/value group (addGroup("error_kind", kind)) keeps the key in its name and gets the value
     * as a label: reluflow_error_kind_deadLetters{error_kind="..."}, reluflow_layer_zeroFraction{layer="..."}.
     */
    static final Set<String> JOB_METRICS = Set.of(
            METRIC_PREFIX + "framesIn",
            METRIC_PREFIX + "detectionsOut",
            METRIC_PREFIX + "error_kind_deadLetters",
            METRIC_PREFIX + "batchSize",
            METRIC_PREFIX + "inferenceLatencyMicros",
            METRIC_PREFIX + "layer_zeroFraction",
            METRIC_PREFIX + "layer_deadUnits",
            METRIC_PREFIX + "modelLoadMillis");

    private DeployFiles() {
    }

    static Path root() {
        String property = System.getProperty("reluflow.root");
        Path root = property != null && !property.isBlank() ? Path.of(property) : Path.of("..");
        root = root.toAbsolutePath().normalize();
        assertThat(root.resolve("deploy/flink/config.yaml")).as("repository root %s", root).isRegularFile();
        return root;
    }

    static Path file(String relative) {
        Path path = root().resolve(relative);
        assertThat(path).as(relative).isRegularFile();
        return path;
    }

    static String text(String relative) {
        try {
            return Files.readString(file(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode yaml(String relative) {
        try {
            JsonNode node = YAML.readTree(file(relative).toFile());
            assertThat(node).as(relative).isNotNull();
            assertThat(node.isObject()).as("%s is a YAML map", relative).isTrue();
            return node;
        } catch (IOException e) {
            throw new AssertionError(relative + " does not parse: " + e.getMessage(), e);
        }
    }

    static List<JsonNode> yamlDocuments(Path path) {
        try (var parser = YAML.getFactory().createParser(path.toFile())) {
            List<JsonNode> documents = new ArrayList<>();
            YAML.readValues(parser, JsonNode.class).forEachRemaining(node -> {
                if (node != null && !node.isNull() && !node.isMissingNode()) {
                    documents.add(node);
                }
            });
            return documents;
        } catch (IOException e) {
            throw new AssertionError(path + " does not parse: " + e.getMessage(), e);
        }
    }

    /** deploy/flink/config.yaml as dotted keys, read as the job reads its YAML. */
    static Map<String, String> flinkConfig() {
        return ConfigLoader.readYaml(file("deploy/flink/config.yaml"));
    }

    static Set<String> jobOptionKeys() {
        return ReluflowOptions.all().stream().map(ConfigOption::key).collect(Collectors.toSet());
    }

    /** True where JobConfig accepts the key: a declared option, or the kafka.properties. / flink. pass-throughs. */
    static boolean isJobOption(String key) {
        return jobOptionKeys().contains(key) || key.startsWith(ReluflowOptions.KAFKA_PROPERTIES_PREFIX)
                || key.startsWith(JobConfig.FLINK_PREFIX);
    }

    /** The Flink port range "9249-9259" (or a single port) as {first, last}. */
    static int[] portRange(String value) {
        String[] parts = value.trim().split("-");
        int first = Integer.parseInt(parts[0].trim());
        int last = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : first;
        return new int[] {first, last};
    }

    static boolean inRange(int port, int[] range) {
        return port >= range[0] && port <= range[1];
    }

    // ---- Dockerfile ----

    /** One COPY instruction: its stage, sources (relative to the build context) and destination. */
    record Copy(String stage, List<String> sources, String destination) {
    }

    static final Pattern FROM = Pattern.compile("(?i)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");

    static List<Copy> dockerfileCopies() {
        List<Copy> copies = new ArrayList<>();
        String stage = null;
        for (String line : joinedDockerfileLines()) {
            Matcher from = FROM.matcher(line);
            if (from.matches()) {
                stage = from.group(2) != null ? from.group(2) : from.group(1);
            } else if (line.matches("(?i)^(COPY|ADD)\\s.*")) {
                List<String> words = new ArrayList<>(List.of(line.trim().split("\\s+")));
                words.remove(0);
                words.removeIf(word -> word.startsWith("--"));
                String destination = words.remove(words.size() - 1);
                copies.add(new Copy(stage, List.copyOf(words), destination));
            }
        }
        return copies;
    }

    /** Stage names (FROM ... AS name) of docker/Dockerfile. */
    static List<String> dockerfileStages() {
        List<String> stages = new ArrayList<>();
        for (String line : joinedDockerfileLines()) {
            Matcher from = FROM.matcher(line);
            if (from.matches() && from.group(2) != null) {
                stages.add(from.group(2));
            }
        }
        return stages;
    }

    private static List<String> joinedDockerfileLines() {
        List<String> lines = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String raw : text("docker/Dockerfile").split("\n")) {
            String line = raw.strip();
            if (current.length() == 0 && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                current.append(line, 0, line.length() - 1).append(' ');
            } else {
                current.append(line);
                lines.add(current.toString().strip());
                current.setLength(0);
            }
        }
        return lines;
    }

    /**
     * The host file (relative to the repository root) that a path inside an image of the given stage comes
     * from, following the Dockerfile's COPY instructions (a file copied to a folder keeps its name).
     */
    static String hostPathOf(String stage, String imagePath) {
        for (Copy copy : dockerfileCopies()) {
            if (!stage.equals(copy.stage())) {
                continue;
            }
            for (String source : copy.sources()) {
                String destination = copy.destination();
                if (destination.endsWith("/") && source.endsWith("/") && imagePath.startsWith(destination)) {
                    return source + imagePath.substring(destination.length());
                }
                if (!destination.endsWith("/") && imagePath.equals(destination)) {
                    return source;
                }
                if (destination.endsWith("/") && !source.endsWith("/")
                        && imagePath.equals(destination + Path.of(source).getFileName())) {
                    return source;
                }
            }
        }
        throw new AssertionError("No COPY of stage '" + stage + "' in docker/Dockerfile puts anything at " + imagePath);
    }

    /**
     * A path under docker/build/ is made by docker/prepare.sh: the script must name it (docker/build/x or $out/x)
     * and docker/README.md must tell to run the script.
     */
    static void assertExistsOrPrepared(String relative) {
        if (Files.exists(root().resolve(relative))) {
            return;
        }
        assertThat(relative).as("%s does not exist, so it must be a docker/prepare.sh output under docker/build/", relative)
                .startsWith("docker/build/");
        String inBuild = relative.substring("docker/build/".length());
        String script = text("docker/prepare.sh");
        String target = inBuild.endsWith("/") ? inBuild.substring(0, inBuild.length() - 1) : inBuild;
        assertThat(script.contains("docker/build/" + target) || script.contains("$out/" + target))
                .as("docker/prepare.sh makes %s", relative).isTrue();
        assertThat(text("docker/README.md")).as("docker/README.md documents the command that makes %s", relative)
                .contains("docker/prepare.sh");
    }

    /** `--key value` pairs (after `--config` is taken out): key without dashes to value. */
    static Map<String, String> keyValueArgs(List<String> args) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            assertThat(arg).as("argument %d of %s", i, args).startsWith("--");
            assertThat(i + 1).as("%s has a value", arg).isLessThan(args.size());
            assertThat(pairs.put(arg.substring(2), args.get(++i))).as("%s given twice", arg).isNull();
        }
        return pairs;
    }

    /**
     * What the job gets from `--config FILE --key value ...` in a container: FILE read from the host file the
     * Dockerfile copies there, then the arguments on top, validated by JobConfig.of as ReluflowJob does.
     */
    static JobConfig jobConfigOf(List<String> jobArgs) {
        Map<String, String> args = keyValueArgs(jobArgs);
        Map<String, String> values = new LinkedHashMap<>();
        String configFile = args.remove("config");
        assertThat(configFile).as("--config in %s", jobArgs).isNotNull();
        String hostFile = hostPathOf("flink", configFile);
        Map<String, String> fromFile = ConfigLoader.readYaml(file(hostFile));
        assertThat(fromFile.keySet()).as("keys of %s", hostFile).allSatisfy(key ->
                assertThat(isJobOption(key)).as("'%s' in %s is a job option", key, hostFile).isTrue());
        values.putAll(fromFile);
        assertThat(args.keySet()).as("job arguments").allSatisfy(key ->
                assertThat(isJobOption(key)).as("--%s is a job option", key).isTrue());
        values.putAll(args);
        return JobConfig.of(values);
    }

    static Set<String> jobTopics(JobConfig config) {
        return Set.of(config.framesTopic(), config.detectionsTopic(), config.sparsityTopic(), config.deadLetterTopic());
    }
}
