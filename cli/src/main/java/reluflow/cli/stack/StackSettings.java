package reluflow.cli.stack;

import java.nio.file.Path;

/**
 * Where and how the local stack runs. Defaults: one TaskManager with 2 slots, Flink's usual ports,
 * Kafka on 9092, everything under .run/stack.
 *
 * @param projectRoot the repository (deploy/flink/config.yaml and local-cluster/target/lib are read from it)
 * @param runDir config, logs, pids, checkpoints and savepoints
 */
public record StackSettings(Path projectRoot, Path runDir, int taskManagers, int slots, int restPort, int rpcPort,
                            int kafkaPort, int kafkaControllerPort) {
    public static final int DEFAULT_REST_PORT = 8081;
    public static final int DEFAULT_RPC_PORT = 6123;
    public static final int DEFAULT_KAFKA_PORT = 9092;
    public static final int DEFAULT_KAFKA_CONTROLLER_PORT = 9093;

    public static StackSettings defaults(Path projectRoot) {
        return new StackSettings(projectRoot, projectRoot.resolve(".run/stack"), 1, 2, DEFAULT_REST_PORT, DEFAULT_RPC_PORT,
                DEFAULT_KAFKA_PORT, DEFAULT_KAFKA_CONTROLLER_PORT);
    }

    public Path flinkConfig() {
        return projectRoot.resolve("deploy/flink/config.yaml");
    }

    public Path flinkLib() {
        return projectRoot.resolve("local-cluster/target/lib");
    }

    public Path confDir() {
        return runDir.resolve("conf");
    }

    public Path logDir() {
        return runDir.resolve("logs");
    }

    public Path pidDir() {
        return runDir.resolve("pids");
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }
}
