package reluflow.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static reluflow.it.deploy.DeployFiles.JOB_METRICS;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import reluflow.job.config.JobConfig;

/** docker/: the Dockerfile, the compose stack, Prometheus and Grafana agree with the job and the shared Flink config. */
class DockerComposeFilesTest {
    private static final String COMPOSE = "docker/docker-compose.yml";
    private static final Set<String> SERVICES =
            Set.of("kafka", "kafka-init", "jobmanager", "taskmanager", "replayer", "prometheus", "grafana");
    /** The only keys FLINK_PROPERTIES may set: where a process listens and how others reach it. */
    private static final Set<String> ADDRESS_KEYS = Set.of("jobmanager.rpc.address", "jobmanager.bind-host",
            "taskmanager.host", "taskmanager.bind-host", "rest.address", "rest.bind-address");
    private static final String INTERNAL_BOOTSTRAP = "kafka:19092";

    private final JsonNode compose = DeployFiles.yaml(COMPOSE);
    private final JsonNode services = compose.path("services");
    private final Map<String, String> flinkConfig = DeployFiles.flinkConfig();

    @Test
    void composeDeclaresTheStack() {
        assertThat(names(services)).containsExactlyInAnyOrderElementsOf(SERVICES);
    }

    @Test
    void everyServiceHasAnImageAndEveryBuildExists() {
        Set<String> built = new HashSet<>();
        services.fields().forEachRemaining(service -> {
            JsonNode build = service.getValue().path("build");
            if (!build.isMissingNode()) {
                Path context = DeployFiles.root().resolve("docker").resolve(build.path("context").asText(".")).normalize();
                assertThat(context).as("build context of %s", service.getKey()).isEqualTo(DeployFiles.root());
                assertThat(context.resolve(build.path("dockerfile").asText("Dockerfile"))).isRegularFile();
                assertThat(DeployFiles.dockerfileStages()).as("stages of docker/Dockerfile")
                        .contains(build.path("target").asText());
                built.add(service.getValue().path("image").asText());
            }
        });
        assertThat(built).containsExactlyInAnyOrder("reluflow-flink:dev", "reluflow-replayer:dev");
        services.fields().forEachRemaining(service -> {
            String image = service.getValue().path("image").asText("");
            assertThat(image).as("image of %s", service.getKey()).isNotBlank();
            if (image.startsWith("reluflow-")) {
                assertThat(built).as("%s uses an image built by this compose file", service.getKey()).contains(image);
            } else {
                assertThat(image).as("public image %s is pinned", image).matches("[a-z0-9./-]+:[A-Za-z0-9._-]+")
                        .doesNotEndWith(":latest");
            }
        });
        assertThat(services.path("jobmanager").path("build").path("target").asText()).isEqualTo("flink");
        assertThat(services.path("taskmanager").path("image").asText()).isEqualTo("reluflow-flink:dev");
        assertThat(services.path("replayer").path("build").path("target").asText()).isEqualTo("replayer");
    }

    @Test
    void everyMountedHostPathExistsAndNamedVolumesAreDeclared() {
        Set<String> declared = names(compose.path("volumes"));
        int bindMounts = 0;
        for (Map.Entry<String, JsonNode> service : iterable(services)) {
            for (JsonNode volume : service.getValue().path("volumes")) {
                String[] parts = volume.asText().split(":");
                assertThat(parts.length).as("volume %s of %s", volume, service.getKey()).isGreaterThanOrEqualTo(2);
                if (parts[0].startsWith(".") || parts[0].startsWith("/")) {
                    Path host = DeployFiles.root().resolve("docker").resolve(parts[0]).normalize();
                    assertThat(Files.exists(host)).as("%s mounts %s", service.getKey(), host).isTrue();
                    bindMounts++;
                } else {
                    assertThat(declared).as("named volume of %s", service.getKey()).contains(parts[0]);
                }
            }
        }
        assertThat(bindMounts).isEqualTo(3);
    }

    @Test
    void dockerfileCopiesExistingFilesOrPreparedBuildOutputs() {
        List<DeployFiles.Copy> copies = DeployFiles.dockerfileCopies();
        Map<String, String> destinations = new LinkedHashMap<>();
        for (DeployFiles.Copy copy : copies) {
            for (String source : copy.sources()) {
                DeployFiles.assertExistsOrPrepared(source);
                destinations.put(copy.stage() + ":" + copy.destination(), source);
            }
        }
        assertThat(destinations).containsEntry("flink:/opt/flink/usrlib/reluflow-job.jar", "docker/build/usrlib/reluflow-job.jar")
                .containsEntry("flink:/opt/flink/lib/", "docker/build/lib/")
                .containsEntry("flink:/opt/reluflow/models/", "docker/build/models/")
                .containsEntry("flink:/opt/flink/conf/config.yaml", "deploy/flink/config.yaml")
                .containsEntry("flink:/opt/reluflow/job.yaml", "deploy/job.yaml")
                .containsEntry("replayer:/opt/reluflow/frames/", "docker/build/frames/");
        String prepare = DeployFiles.text("docker/prepare.sh");
        assertThat(prepare).contains("mvn -B -DskipTests", "job/target/reluflow-job.jar", "cli/target/lib/onnxruntime",
                "model make --kind mlp --out docker/build/models/mlp.onnx",
                "frames make --kind mlp --count 5000 --out docker/build/frames/mlp.avro");
        assertThat(DeployFiles.text("docker/Dockerfile")).containsPattern("(?m)^FROM \\$\\{FLINK_IMAGE\\} AS flink$")
                .containsPattern("(?m)^ARG FLINK_IMAGE=flink:2\\.2(\\.\\d+)?-java17$");
        // Everything copied passes the build-context filter (BuildKit reads docker/Dockerfile.dockerignore).
        List<String> included = DeployFiles.text("docker/Dockerfile.dockerignore").lines()
                .filter(line -> line.startsWith("!")).map(line -> line.substring(1).trim()).toList();
        for (DeployFiles.Copy copy : copies) {
            for (String source : copy.sources()) {
                assertThat(included).as("docker/Dockerfile.dockerignore lets %s into the build context", source)
                        .anyMatch(source::startsWith);
            }
        }
    }

    @Test
    void publishedPortsAgreeWithFlinkConfigAndKafkaListeners() {
        int restPort = Integer.parseInt(flinkConfig.get("rest.port"));
        int[] reporter = DeployFiles.portRange(flinkConfig.get("metrics.reporter.prom.port"));
        assertThat(restPort).isEqualTo(8081);
        assertThat(reporter).containsExactly(9249, 9259);

        Map<String, List<int[]>> published = new LinkedHashMap<>();
        services.fields().forEachRemaining(service -> {
            List<int[]> ports = new ArrayList<>();
            for (JsonNode port : service.getValue().path("ports")) {
                String[] parts = port.asText().split(":");
                assertThat(parts).as("port %s of %s is host:container", port, service.getKey()).hasSize(2);
                ports.add(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
            }
            published.put(service.getKey(), ports);
        });
        for (String flinkService : List.of("jobmanager", "taskmanager")) {
            for (int[] port : published.get(flinkService)) {
                assertThat(port[0]).as("%s publishes a port on the same number", flinkService).isEqualTo(port[1]);
                assertThat(port[1] == restPort || DeployFiles.inRange(port[1], reporter))
                        .as("%s port %d is rest.port or in the reporter range", flinkService, port[1]).isTrue();
            }
        }
        assertThat(published.get("jobmanager")).extracting(port -> port[1]).containsExactlyInAnyOrder(restPort, reporter[0]);
        assertThat(published.get("prometheus")).extracting(port -> port[0] + ":" + port[1]).containsExactly("9090:9090");
        assertThat(published.get("grafana")).extracting(port -> port[0] + ":" + port[1]).containsExactly("3000:3000");

        // Kafka: the published port is the HOST listener, advertised as localhost; containers use INTERNAL.
        JsonNode env = services.path("kafka").path("environment");
        Map<String, String> listeners = listenerMap(env.path("KAFKA_LISTENERS").asText());
        Map<String, String> advertised = listenerMap(env.path("KAFKA_ADVERTISED_LISTENERS").asText());
        assertThat(published.get("kafka")).extracting(port -> port[0] + ":" + port[1]).containsExactly("9092:9092");
        assertThat(listeners.get("HOST")).endsWith(":9092");
        assertThat(advertised).containsEntry("HOST", "localhost:9092").containsEntry("INTERNAL", INTERNAL_BOOTSTRAP);
        assertThat(listeners.get("INTERNAL")).endsWith(":19092");
        assertThat(env.path("KAFKA_INTER_BROKER_LISTENER_NAME").asText()).isEqualTo("INTERNAL");
        assertThat(env.path("KAFKA_CONTROLLER_QUORUM_VOTERS").asText()).isEqualTo("1@kafka:" + port(listeners.get("CONTROLLER")));
        assertThat(env.path("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP").asText().split(","))
                .containsExactlyInAnyOrder("INTERNAL:PLAINTEXT", "HOST:PLAINTEXT", "CONTROLLER:PLAINTEXT");
        assertThat(services.path("kafka").path("hostname").asText()).isEqualTo("kafka");
    }

    @Test
    void jobManagerRunsTheJobWithRealValidatedOptions() {
        List<String> command = strings(services.path("jobmanager").path("command"));
        assertThat(command.subList(0, 4)).containsExactly("standalone-job", "--job-classname", "reluflow.job.ReluflowJob", "--");
        List<String> jobArgs = command.subList(4, command.size());
        JobConfig config = DeployFiles.jobConfigOf(jobArgs);
        assertThat(config.bootstrapServers()).isEqualTo(INTERNAL_BOOTSTRAP);
        String model = DeployFiles.keyValueArgs(jobArgs).get("model.path");
        assertThat(model).isEqualTo("/opt/reluflow/models/mlp.onnx");
        DeployFiles.assertExistsOrPrepared(DeployFiles.hostPathOf("flink", model));
        // Checkpoints and savepoints go to the volume shared by JobManager and TaskManagers.
        assertThat(config.flinkConfiguration().toMap()).containsEntry("execution.checkpointing.dir", "file:///opt/flink/data/checkpoints")
                .containsEntry("execution.checkpointing.savepoint-dir", "file:///opt/flink/data/savepoints");
        assertThat(strings(services.path("jobmanager").path("volumes"))).contains("flink-data:/opt/flink/data");
        assertThat(strings(services.path("taskmanager").path("volumes"))).contains("flink-data:/opt/flink/data");
        assertThat(services.path("taskmanager").path("command").asText()).isEqualTo("taskmanager");
    }

    @Test
    void topicInitCreatesExactlyTheJobsTopics() {
        JobConfig config = DeployFiles.jobConfigOf(jobManagerArgs());
        String script = strings(services.path("kafka-init").path("command")).get(0);
        Matcher loop = Pattern.compile("for topic in ([^;]+);").matcher(script);
        assertThat(loop.find()).as("kafka-init loops over its topics").isTrue();
        assertThat(Set.of(loop.group(1).trim().split("\\s+"))).isEqualTo(DeployFiles.jobTopics(config));
        assertThat(script).contains("--bootstrap-server " + INTERNAL_BOOTSTRAP, "--create", "--if-not-exists");
        assertThat(services.path("jobmanager").path("depends_on").path("kafka-init").path("condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void replayerStreamsTheDemoFramesIntoTheFramesTopic() {
        List<String> command = strings(services.path("replayer").path("command"));
        assertThat(command.get(0)).isEqualTo("replay");
        // The real CLI parses the command, so an option it does not have, or a bad value, fails here.
        picocli.CommandLine.ParseResult parsed = reluflow.cli.Main.commandLine().parseArgs(command.toArray(String[]::new));
        picocli.CommandLine.ParseResult replay = parsed.subcommand();
        assertThat(replay.commandSpec().name()).isEqualTo("replay");
        JobConfig config = DeployFiles.jobConfigOf(jobManagerArgs());
        assertThat((String) replay.matchedOptionValue("--topic", "")).isEqualTo(config.framesTopic());
        assertThat((String) replay.matchedOptionValue("--bootstrap", "")).isEqualTo(INTERNAL_BOOTSTRAP);
        assertThat(replay.hasMatchedOption("--rewrite-time")).as("looped frames get fresh event times, or windows see them late").isTrue();
        assertThat(((Number) replay.matchedOptionValue("--loop", 0)).longValue()).isPositive();
        String frames = DeployFiles.hostPathOf("replayer", replay.matchedOptionValue("--in", null).toString());
        assertThat(frames).isEqualTo("docker/build/frames/mlp.avro");
        DeployFiles.assertExistsOrPrepared(frames);
        assertThat(DeployFiles.text("docker/Dockerfile")).contains("\"reluflow.cli.Main\"");
    }

    @Test
    void flinkPropertiesOverrideOnlyAddressAndBindKeys() {
        int withProperties = 0;
        for (Map.Entry<String, JsonNode> service : iterable(services)) {
            JsonNode env = service.getValue().path("environment");
            if (!service.getValue().path("image").asText().equals("reluflow-flink:dev")) {
                assertThat(env.has("FLINK_PROPERTIES")).as(service.getKey()).isFalse();
                continue;
            }
            assertThat(names(env)).as("environment of %s", service.getKey()).containsExactly("FLINK_PROPERTIES");
            String raw = env.path("FLINK_PROPERTIES").asText();
            // A single $ would be replaced by compose from the host's environment; $$ reaches the container as $.
            assertThat(raw.replace("$$", "")).as("FLINK_PROPERTIES of %s has no compose-interpolated $", service.getKey())
                    .doesNotContain("$");
            Map<String, String> properties = new LinkedHashMap<>();
            for (String line : raw.replace("$$", "$").split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                int colon = line.indexOf(':');
                assertThat(colon).as("'%s' is key: value", line).isPositive();
                properties.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
            assertThat(ADDRESS_KEYS).as("keys %s of %s may be overridden", properties.keySet(), service.getKey())
                    .containsAll(properties.keySet());
            assertThat(flinkConfig.keySet()).as("%s overrides keys of deploy/flink/config.yaml", service.getKey())
                    .containsAll(properties.keySet());
            assertThat(properties).containsEntry("jobmanager.rpc.address", "jobmanager")
                    .containsEntry("jobmanager.bind-host", "0.0.0.0")
                    .containsEntry("taskmanager.bind-host", "0.0.0.0")
                    .containsEntry("rest.bind-address", "0.0.0.0")
                    // ${HOSTNAME} is left for the image's entrypoint (envsubst in FLINK_PROPERTIES): the container's hostname.
                    .containsEntry("taskmanager.host", "${HOSTNAME}");
            withProperties++;
        }
        assertThat(withProperties).isEqualTo(2);
        assertThat(services.path("jobmanager").path("hostname").asText()).isEqualTo("jobmanager");
        assertThat(flinkConfig).containsEntry("jobmanager.rpc.address", "127.0.0.1").containsEntry("taskmanager.host", "127.0.0.1");
    }

    @Test
    void prometheusScrapesFlinkServicesOnTheReporterPort() {
        JsonNode prometheus = DeployFiles.yaml("docker/prometheus/prometheus.yml");
        int[] reporter = DeployFiles.portRange(flinkConfig.get("metrics.reporter.prom.port"));
        Set<String> scraped = new TreeSet<>();
        for (JsonNode job : prometheus.path("scrape_configs")) {
            for (JsonNode staticConfig : job.path("static_configs")) {
                for (JsonNode target : staticConfig.path("targets")) {
                    String[] hostPort = target.asText().split(":");
                    scraped.add(hostPort[0]);
                    assertThat(DeployFiles.inRange(Integer.parseInt(hostPort[1]), reporter)).as("port of %s", target).isTrue();
                }
            }
            for (JsonNode dns : job.path("dns_sd_configs")) {
                dns.path("names").forEach(name -> scraped.add(name.asText()));
                assertThat(DeployFiles.inRange(dns.path("port").asInt(), reporter)).as("port of %s", dns).isTrue();
            }
        }
        assertThat(scraped).containsExactly("jobmanager", "taskmanager");
        assertThat(SERVICES).containsAll(scraped);
        assertThat(strings(services.path("prometheus").path("volumes")))
                .containsExactly("./prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro");
    }

    @Test
    void grafanaDashboardQueriesOnlyTheJobsMetrics() throws Exception {
        JsonNode dashboard = DeployFiles.JSON.readTree(DeployFiles.file("docker/grafana/dashboards/reluflow.json").toFile());
        List<String> expressions = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> expressions.add(expr.asText()));
        assertThat(expressions).hasSizeGreaterThanOrEqualTo(7);
        Set<String> used = new TreeSet<>();
        Matcher metric = Pattern.compile("\\bflink_[A-Za-z0-9_:]+").matcher(String.join("\n", expressions));
        while (metric.find()) {
            used.add(metric.group());
        }
        Set<String> known = new HashSet<>(JOB_METRICS);
        assertThat(known).as("metric names the job exposes").containsAll(used);
        assertThat(used).as("every job metric is on the dashboard").containsAll(JOB_METRICS);

        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(panel -> titles.add(panel.path("title").asText()));
        assertThat(titles).contains("Frames per second", "Inference latency per batch", "Batch size", "Dead letters by kind",
                "Per-layer sparsity (fraction of exact zeros)", "Dead units over time");
        assertThat(expressions).anyMatch(e -> e.contains("sum by (error_kind)")).anyMatch(e -> e.contains("by (layer)"));

        JsonNode datasource = DeployFiles.yaml("docker/grafana/provisioning/datasources/prometheus.yml").path("datasources").get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        Set<String> uids = new HashSet<>();
        dashboard.findValues("datasource").forEach(ds -> uids.add(ds.path("uid").asText()));
        assertThat(uids).containsExactly(datasource.path("uid").asText());

        JsonNode provider = DeployFiles.yaml("docker/grafana/provisioning/dashboards/reluflow.yml").path("providers").get(0);
        assertThat(strings(services.path("grafana").path("volumes")))
                .contains("./grafana/dashboards:" + provider.path("options").path("path").asText() + ":ro")
                .contains("./grafana/provisioning:/etc/grafana/provisioning:ro");
    }

    @Test
    void readmeDocumentsTheBuildAndThePorts() {
        String readme = DeployFiles.text("docker/README.md");
        assertThat(readme).contains("docker/prepare.sh", "docker compose -f docker/docker-compose.yml up --build",
                "localhost:8081", "localhost:9092", "localhost:9090", "localhost:3000", "localhost:9249",
                "replay --in", "read_committed");
        services.fields().forEachRemaining(service ->
                assertThat(readme).as("docker/README.md describes %s", service.getKey()).contains("`" + service.getKey() + "`"));
    }

    // ---- helpers ----

    private List<String> jobManagerArgs() {
        List<String> command = strings(services.path("jobmanager").path("command"));
        return command.subList(command.indexOf("--") + 1, command.size());
    }

    private static Map<String, String> listenerMap(String listeners) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String listener : listeners.split(",")) {
            String[] parts = listener.split("://");
            map.put(parts[0], parts[1]);
        }
        return map;
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static List<String> strings(JsonNode node) {
        List<String> strings = new ArrayList<>();
        node.forEach(item -> strings.add(item.asText()));
        return strings;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        return node::fields;
    }
}
