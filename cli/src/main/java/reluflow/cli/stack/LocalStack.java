package reluflow.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import reluflow.cli.UserError;

/**
 * A real local stack, each part its own JVM: a Kafka broker (KRaft) and a Flink standalone session
 * cluster (a JobManager with the REST API and web UI, N TaskManagers) started from the Maven-resolved
 * jars of a Flink distribution's lib/ (local-cluster/target/lib) with deploy/flink/config.yaml, the same
 * file the docker-compose stack runs. Config, logs, pids, checkpoints and savepoints live in one run folder.
 */
public final class LocalStack {
    private static final String JOB_MANAGER = "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";
    private static final String TASK_MANAGER = "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";
    private static final String BASH_JAVA_UTILS = "org.apache.flink.runtime.util.bash.BashJavaUtils";
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";
    private static final long START_TIMEOUT_SECONDS = 120;

    private final StackSettings settings;
    private final PrintWriter out;

    public LocalStack(StackSettings settings, PrintWriter out) {
        this.settings = settings;
        this.out = out;
    }

    public StackSettings settings() {
        return settings;
    }

    /** Starts whatever is not running yet; a part that already runs is left as it is. */
    public void up() throws IOException, InterruptedException {
        if (!Files.isDirectory(settings.flinkLib())) {
            throw new UserError("The Flink jars are missing: run 'mvn -B -DskipTests package -pl local-cluster -am' (./reluflow does it)");
        }
        Files.createDirectories(settings.confDir());
        Files.createDirectories(settings.logDir());
        Files.createDirectories(settings.pidDir());
        writeFlinkConfig();
        Files.writeString(settings.confDir().resolve("log4j.properties"), LOG4J, StandardCharsets.UTF_8);

        if (running("kafka").isEmpty()) {
            requireFree(settings.kafkaPort(), "Kafka (--kafka-port)");
            requireFree(settings.kafkaControllerPort(), "the Kafka controller (--kafka-controller-port)");
            startKafka();
        } else {
            out.println("Kafka already runs at " + settings.kafkaBootstrap());
        }
        if (running("jobmanager").isEmpty()) {
            requireFree(settings.restPort(), "the Flink REST API and web UI (--rest-port)");
            requireFree(settings.rpcPort(), "the JobManager RPC (--rpc-port)");
            startFlink("jobmanager", JOB_MANAGER, "GET_JM_RESOURCE_PARAMS", List.of("--executionMode", "cluster"));
            awaitRest();
        } else {
            out.println("JobManager already runs at " + settings.restUrl());
        }
        for (int i = 0; i < settings.taskManagers(); i++) {
            if (running("taskmanager-" + i).isEmpty()) {
                startFlink("taskmanager-" + i, TASK_MANAGER, "GET_TM_RESOURCE_PARAMS", List.of());
            }
        }
        awaitSlots(settings.taskManagers() * settings.slots());
        out.flush();
    }

    /** Stops every part, TaskManagers first; waits for each to exit. */
    public void down() throws IOException {
        List<String> parts = new ArrayList<>();
        try (var pids = Files.list(settings.pidDir())) {
            pids.map(p -> p.getFileName().toString().replace(".pid", "")).filter(n -> n.startsWith("taskmanager")).sorted().forEach(parts::add);
        } catch (java.nio.file.NoSuchFileException e) {
            out.println("Nothing runs (no " + settings.pidDir() + ")");
            return;
        }
        parts.add("jobmanager");
        parts.add("kafka");
        for (String part : parts) {
            stop(part);
        }
    }

    /** What runs, one line each; also asks the JobManager for its TaskManagers and slots. */
    public Map<String, String> status() throws IOException {
        Map<String, String> status = new LinkedHashMap<>();
        status.put("kafka", running("kafka").map(p -> "running, pid " + p.pid() + ", bootstrap " + settings.kafkaBootstrap()).orElse("stopped"));
        status.put("jobmanager", running("jobmanager").map(p -> "running, pid " + p.pid() + ", web UI and REST " + settings.restUrl())
                .orElse("stopped"));
        for (int i = 0; Files.exists(pidFile("taskmanager-" + i)); i++) {
            status.put("taskmanager-" + i, running("taskmanager-" + i).map(p -> "running, pid " + p.pid()).orElse("stopped"));
        }
        if (running("jobmanager").isPresent()) {
            try {
                JsonNode overview = new FlinkRest("127.0.0.1:" + settings.restPort()).get("/overview");
                status.put("cluster", overview.path("taskmanagers").asInt() + " TaskManagers, " + overview.path("slots-available").asInt()
                        + " of " + overview.path("slots-total").asInt() + " slots free, " + overview.path("jobs-running").asInt() + " jobs running");
            } catch (IOException e) {
                status.put("cluster", "REST not answering: " + e.getMessage());
            }
        }
        status.put("run folder", settings.runDir().toAbsolutePath().toString());
        return status;
    }

    public boolean kafkaRunning() throws IOException {
        return running("kafka").isPresent();
    }

    /**
     * Ends one part ("kafka", "jobmanager", "taskmanager-N") the way a crash or an operator would: SIGKILL when
     * {@code force}, else SIGTERM. Waits (bounded) for the process to exit, and removes nothing else: the pid file,
     * data, logs and checkpoints stay, so {@link #up()} starts a replacement. For fault-injection tests.
     *
     * @return the pid that was ended
     */
    public long kill(String part, boolean force) throws IOException, InterruptedException {
        ProcessHandle process = running(part).orElseThrow(() -> new UserError(part + " does not run"));
        boolean sent = force ? process.destroyForcibly() : process.destroy();
        if (!sent) {
            throw new IOException("Could not signal " + part + " (pid " + process.pid() + ")");
        }
        try {
            process.onExit().get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException(part + " (pid " + process.pid() + ") did not exit within 60 s of " + (force ? "SIGKILL" : "SIGTERM"), e);
        }
        out.println((force ? "Killed " : "Terminated ") + part + " (pid " + process.pid() + ")");
        out.flush();
        return process.pid();
    }

    private void startKafka() throws IOException, InterruptedException {
        Process process = KafkaProcess.start(settings.kafkaPort(), settings.kafkaControllerPort(), settings.runDir().resolve("kafka-data"),
                KafkaProcess.DEFAULT_TOPICS, settings.logDir().resolve("kafka.log"), java.time.Duration.ofSeconds(START_TIMEOUT_SECONDS));
        writePid("kafka", process);
        out.println("Kafka         " + settings.kafkaBootstrap() + " (pid " + process.pid() + ")");
    }

    private void startFlink(String name, String mainClass, String resourceCommand, List<String> extraArgs) throws IOException, InterruptedException {
        String classpath = settings.flinkLib().toAbsolutePath() + "/*";
        // Flink's scripts size the JVM with BashJavaUtils; without its dynamic properties a TaskManager refuses to start.
        List<String> resources = new ArrayList<>(List.of(java(), "-cp", classpath, BASH_JAVA_UTILS, resourceCommand,
                "--configDir", settings.confDir().toAbsolutePath().toString()));
        Process sizing = new ProcessBuilder(resources).redirectErrorStream(true).start();
        List<String> results = new String(sizing.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith(RESULT_PREFIX)).map(l -> l.substring(RESULT_PREFIX.length())).toList();
        if (sizing.waitFor() != 0 || results.size() < 2) {
            throw new UserError("Flink could not size the " + name + " from " + settings.flinkConfig() + " (BashJavaUtils " + resourceCommand + ")");
        }
        Path log = settings.logDir().resolve(name + ".log");
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(split(results.get(0)));
        command.addAll(split(javaOptions(name.startsWith("taskmanager") ? "taskmanager" : "jobmanager")));
        command.add("-Dlog.file=" + log.toAbsolutePath());
        command.add("-Dlog4j.configurationFile=" + settings.confDir().resolve("log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath, mainClass, "--configDir", settings.confDir().toAbsolutePath().toString()));
        command.addAll(extraArgs);
        command.addAll(split(results.get(1)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logDir().resolve(name + ".out").toFile()));
        builder.environment().put("FLINK_CONF_DIR", settings.confDir().toAbsolutePath().toString());
        Process process = builder.start();
        writePid(name, process);
        out.println(String.format("%-13s pid %d, log %s", name, process.pid(), log));
    }

    /**
     * The run folder's config.yaml: deploy/flink/config.yaml flattened to Flink's dotted keys, plus only
     * what differs per run folder or command line (ports, slots, folders).
     */
    private void writeFlinkConfig() throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", yaml.readTree(settings.flinkConfig().toFile()), flat);
        flat.putAll(runSettings());
        Files.writeString(settings.confDir().resolve("config.yaml"),
                "# Generated by ./reluflow stack up from " + settings.flinkConfig() + " plus this run's ports and folders.\n"
                        + yaml.writeValueAsString(flat).replaceFirst("^---\\s*\n", ""), StandardCharsets.UTF_8);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> flatten(prefix.isEmpty() ? f.getKey() : prefix + "." + f.getKey(), f.getValue(), out));
        } else {
            out.put(prefix, node.asText());
        }
    }

    private Map<String, String> runSettings() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("rest.port", Integer.toString(settings.restPort()));
        props.put("jobmanager.rpc.port", Integer.toString(settings.rpcPort()));
        props.put("taskmanager.numberOfTaskSlots", Integer.toString(settings.slots()));
        props.put("execution.checkpointing.dir", settings.runDir().resolve("checkpoints").toAbsolutePath().toUri().toString());
        props.put("execution.checkpointing.savepoint-dir", settings.runDir().resolve("savepoints").toAbsolutePath().toUri().toString());
        props.put("web.upload.dir", settings.runDir().resolve("uploads").toAbsolutePath().toString());
        props.put("io.tmp.dirs", settings.runDir().resolve("tmp").toAbsolutePath().toString());
        return props;
    }

    /** env.java.opts.all, then the role's own (env.java.opts.taskmanager or .jobmanager), as Flink's scripts apply them. */
    private String javaOptions(String role) throws IOException {
        JsonNode opts = new ObjectMapper(new YAMLFactory()).readTree(settings.flinkConfig().toFile()).path("env").path("java").path("opts");
        return (opts.path("all").asText("") + " " + opts.path(role).asText("")).trim();
    }

    private void awaitRest() throws IOException, InterruptedException {
        FlinkRest rest = new FlinkRest("127.0.0.1:" + settings.restPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            try {
                rest.get("/overview");
                out.println("Flink web UI  " + settings.restUrl());
                return;
            } catch (IOException e) {
                if (running("jobmanager").isEmpty()) {
                    throw new UserError("The JobManager exited; see " + settings.logDir().resolve("jobmanager.log") + "\n"
                            + tail(settings.logDir().resolve("jobmanager.out")));
                }
                Thread.sleep(250);
            }
        }
        throw new UserError("The JobManager's REST API did not answer within " + START_TIMEOUT_SECONDS + " s");
    }

    /** A TaskManager shows 0 slots for a moment after it registers: wait for the slots themselves. */
    private void awaitSlots(int slots) throws IOException, InterruptedException {
        FlinkRest rest = new FlinkRest("127.0.0.1:" + settings.restPort());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (rest.get("/overview").path("slots-total").asInt() >= slots) {
                out.println("Flink cluster " + settings.taskManagers() + " TaskManager(s), " + slots + " slots");
                return;
            }
            for (int i = 0; i < settings.taskManagers(); i++) {
                if (running("taskmanager-" + i).isEmpty()) {
                    throw new UserError("TaskManager " + i + " exited; see " + settings.logDir().resolve("taskmanager-" + i + ".log")
                            + "\n" + tail(settings.logDir().resolve("taskmanager-" + i + ".out")));
                }
            }
            Thread.sleep(250);
        }
        throw new UserError("The TaskManagers did not register " + slots + " slots within " + START_TIMEOUT_SECONDS + " s");
    }

    private void stop(String part) throws IOException {
        Optional<ProcessHandle> process = running(part);
        if (process.isPresent()) {
            process.get().destroy();
            try {
                process.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                process.get().destroyForcibly();
            }
            out.println("Stopped " + part + " (pid " + process.get().pid() + ")");
        }
        Files.deleteIfExists(pidFile(part));
    }

    private Optional<ProcessHandle> running(String part) throws IOException {
        Path pid = pidFile(part);
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).filter(ProcessHandle::isAlive);
    }

    private Path pidFile(String part) {
        return settings.pidDir().resolve(part + ".pid");
    }

    private void writePid(String part, Process process) throws IOException {
        Files.writeString(pidFile(part), Long.toString(process.pid()));
    }

    private static void requireFree(int port, String what) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UserError("Port " + port + " on 127.0.0.1, for " + what + ", is already in use: stop what holds it or choose another port");
        }
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static List<String> split(String line) {
        return line.isBlank() ? List.of() : List.of(line.trim().split("\\s+"));
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }

    /** append=true: the RPC classloader reopens the file, and a truncating appender would erase the log. */
    private static final String LOG4J = """
            rootLogger.level = INFO
            rootLogger.appenderRef.file.ref = MainAppender
            appender.main.name = MainAppender
            appender.main.type = File
            appender.main.append = true
            appender.main.fileName = ${sys:log.file}
            appender.main.layout.type = PatternLayout
            appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
            logger.pekko.name = org.apache.pekko
            logger.pekko.level = INFO
            logger.kafka.name = org.apache.kafka
            logger.kafka.level = WARN
            """;
}
