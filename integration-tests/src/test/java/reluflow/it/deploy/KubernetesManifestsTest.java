package reluflow.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.flink.configuration.MemorySize;
import org.junit.jupiter.api.Test;
import reluflow.job.config.JobConfig;

/** deploy/k8s/: the FlinkDeployment and the Strimzi topics agree with the job and deploy/flink/config.yaml. */
class KubernetesManifestsTest {
    /** Settings of deploy/flink/config.yaml that the FlinkDeployment must repeat with the same value. */
    private static final List<String> SHARED_KEYS = List.of(
            "classloader.parent-first-patterns.additional",
            "taskmanager.numberOfTaskSlots",
            "taskmanager.memory.managed.size",
            "taskmanager.memory.task.off-heap.size",
            "jobmanager.execution.failover-strategy",
            "restart-strategy.type",
            "execution.checkpointing.interval",
            "execution.checkpointing.externalized-checkpoint-retention",
            "execution.checkpointing.num-retained",
            "metrics.reporter.prom.factory.class",
            "metrics.reporter.prom.port",
            "env.java.opts.all",
            "env.java.opts.taskmanager");

    private final Map<String, String> flinkConfig = DeployFiles.flinkConfig();

    @Test
    void everyDocumentParsesAndIsAKubernetesObject() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(DeployFiles.root().resolve("deploy/k8s"))) {
            files = listing.filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml")).sorted().toList();
        }
        assertThat(files).extracting(path -> path.getFileName().toString())
                .containsExactlyInAnyOrder("flink-deployment.yaml", "kafka-topics.yaml");
        int documents = 0;
        for (Path file : files) {
            for (JsonNode document : DeployFiles.yamlDocuments(file)) {
                assertThat(document.path("apiVersion").asText()).as("apiVersion in %s", file).isNotBlank();
                assertThat(document.path("kind").asText()).as("kind in %s", file).isNotBlank();
                assertThat(document.path("metadata").path("name").asText()).as("metadata.name in %s", file)
                        .matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
                documents++;
            }
        }
        assertThat(documents).isEqualTo(5);
    }

    @Test
    void flinkDeploymentRunsTheJobInApplicationMode() {
        JsonNode deployment = flinkDeployment();
        assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(deployment.path("metadata").path("name").asText()).isEqualTo("reluflow");
        JsonNode spec = deployment.path("spec");
        assertThat(spec.path("image").asText()).endsWith("/reluflow-flink:0.1.0");
        assertThat(spec.path("flinkVersion").asText()).matches("v2_\\d+");
        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local:///opt/flink/usrlib/reluflow-job.jar");
        // The jar is where the image puts it.
        assertThat(DeployFiles.hostPathOf("flink", job.path("jarURI").asText().substring("local://".length())))
                .isEqualTo("docker/build/usrlib/reluflow-job.jar");
        assertThat(job.path("entryClass").asText()).isEqualTo("reluflow.job.ReluflowJob");
        assertThat(classExists(job.path("entryClass").asText())).isTrue();
        assertThat(job.path("upgradeMode").asText()).isEqualTo("savepoint");
        assertThat(job.path("state").asText()).isEqualTo("running");
        assertThat(job.path("args").isArray() && job.path("args").size() > 0).isTrue();

        for (String role : List.of("jobManager", "taskManager")) {
            JsonNode resource = spec.path(role).path("resource");
            assertThat(resource.path("memory").asText()).as("%s memory", role).isNotBlank();
            assertThat(resource.path("cpu").asDouble()).as("%s cpu", role).isPositive();
        }
        assertThat(MemorySize.parse(spec.path("taskManager").path("resource").path("memory").asText()))
                .isEqualTo(MemorySize.parse(flinkConfig.get("taskmanager.memory.process.size")));
        assertThat(MemorySize.parse(spec.path("jobManager").path("resource").path("memory").asText()))
                .isEqualTo(MemorySize.parse(flinkConfig.get("jobmanager.memory.process.size")));
    }

    @Test
    void jobArgumentsAreRealOptionsAndValidate() {
        JsonNode job = flinkDeployment().path("spec").path("job");
        List<String> args = new ArrayList<>();
        job.path("args").forEach(arg -> args.add(arg.asText()));
        JobConfig config = DeployFiles.jobConfigOf(args);
        assertThat(config.bootstrapServers()).isEqualTo("reluflow-kafka-bootstrap.kafka.svc:9092");
        assertThat(config.parallelism()).isEqualTo(job.path("parallelism").asInt());
        String model = DeployFiles.keyValueArgs(args).get("model.path");
        DeployFiles.assertExistsOrPrepared(DeployFiles.hostPathOf("flink", model));
        assertThat(config.transactionalIdPrefix()).isEqualTo("reluflow-k8s");
    }

    @Test
    void flinkConfigurationAgreesWithTheSharedClusterConfig() {
        JsonNode configuration = flinkDeployment().path("spec").path("flinkConfiguration");
        for (String key : SHARED_KEYS) {
            assertThat(flinkConfig).as("deploy/flink/config.yaml has %s", key).containsKey(key);
            assertThat(configuration.path(key).asText(null)).as("flinkConfiguration %s", key).isEqualTo(flinkConfig.get(key));
        }
        assertThat(configuration.path("classloader.parent-first-patterns.additional").asText()).isEqualTo("ai.onnxruntime.");
        assertThat(MemorySize.parse(configuration.path("taskmanager.memory.task.off-heap.size").asText()))
                .isEqualTo(MemorySize.parse("384m"));
        assertThat(configuration.path("high-availability.type").asText()).isEqualTo("kubernetes");
        for (String dir : List.of("high-availability.storageDir", "execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
            assertThat(configuration.path(dir).asText()).as(dir).matches("(s3|s3p|file|hdfs|gs|abfss)://.+");
        }
        // Memory sizes come from spec.*.resource.memory; repeating them here would be a second truth.
        assertThat(configuration.has("taskmanager.memory.process.size")).isFalse();
        assertThat(configuration.has("jobmanager.memory.process.size")).isFalse();
    }

    @Test
    void kafkaTopicsNameExactlyTheJobsTopics() {
        List<JsonNode> topics = DeployFiles.yamlDocuments(DeployFiles.file("deploy/k8s/kafka-topics.yaml"));
        assertThat(topics).hasSize(4);
        Set<String> names = new TreeSet<>();
        Set<String> clusters = new TreeSet<>();
        for (JsonNode topic : topics) {
            assertThat(topic.path("apiVersion").asText()).isEqualTo("kafka.strimzi.io/v1beta2");
            assertThat(topic.path("kind").asText()).isEqualTo("KafkaTopic");
            names.add(topic.path("spec").path("topicName").asText(topic.path("metadata").path("name").asText()));
            clusters.add(topic.path("metadata").path("labels").path("strimzi.io/cluster").asText());
            assertThat(topic.path("spec").path("partitions").asInt()).isPositive();
            assertThat(topic.path("spec").path("replicas").asInt()).isPositive();
        }
        List<String> args = new ArrayList<>();
        flinkDeployment().path("spec").path("job").path("args").forEach(arg -> args.add(arg.asText()));
        JobConfig config = DeployFiles.jobConfigOf(args);
        assertThat(names).isEqualTo(new TreeSet<>(DeployFiles.jobTopics(config)));
        assertThat(clusters).hasSize(1);
        // Strimzi's bootstrap service is <cluster>-kafka-bootstrap.
        assertThat(config.bootstrapServers()).startsWith(clusters.iterator().next() + "-kafka-bootstrap.");
    }

    @Test
    void readmeCoversTheOperations() {
        assertThat(DeployFiles.text("deploy/k8s/README.md")).contains("docker build", "docker push",
                "flink-kubernetes-operator", "strimzi", "kubectl apply -f deploy/k8s/kafka-topics.yaml",
                "kubectl apply -f deploy/k8s/flink-deployment.yaml", "savepoint", "read_committed");
    }

    private static JsonNode flinkDeployment() {
        List<JsonNode> documents = DeployFiles.yamlDocuments(DeployFiles.file("deploy/k8s/flink-deployment.yaml"));
        assertThat(documents).hasSize(1);
        assertThat(documents.get(0).path("kind").asText()).isEqualTo("FlinkDeployment");
        return documents.get(0);
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, KubernetesManifestsTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }
}
