package reluflow.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.config.ServerTopicConfigSynonyms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker (KRaft, broker and controller in one process) running
 * inside this JVM. No ZooKeeper, no Docker.
 *
 * <p>Configured for one node: replication factor 1 and min ISR 1 for every internal topic
 * (consumer offsets, transaction state, share-group state), so consumer groups and transactional
 * (exactly-once) producers work. {@code transaction.max.timeout.ms} is one hour, which is what
 * Flink's exactly-once Kafka sink asks for. Topics are never auto-created.
 *
 * <pre>{@code
 * try (KafkaBroker kafka = KafkaBroker.start(KafkaBroker.Settings.defaults())) {
 *     kafka.createTopics(Map.of("events", 2));
 *     String bootstrap = kafka.bootstrapServers();   // "127.0.0.1:PORT"
 * }
 * }</pre>
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

    /** Node id of the single broker/controller. */
    public static final int NODE_ID = 1;
    /** Name of the client listener. */
    public static final String BROKER_LISTENER = "PLAINTEXT";
    /** Name of the optional SASL_PLAINTEXT (mechanism PLAIN) client listener; see {@link Settings#withSaslPlainUser}. */
    public static final String SASL_LISTENER = "SASL_PLAIN";
    /** Name of the controller (KRaft quorum) listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** {@code transaction.max.timeout.ms}: one hour, Flink's KafkaSink default transaction timeout. */
    public static final long TRANSACTION_MAX_TIMEOUT_MS = TimeUnit.HOURS.toMillis(1);

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Settings settings;
    private final Path dataDir;
    private final boolean deleteDataDirOnClose;
    private final int brokerPort;
    private final int controllerPort;
    private final int saslPort;
    private final KafkaRaftServer server;
    private final List<Path> logDirs;
    private boolean closed;

    /**
     * Settings for {@link #start}. Build from {@link #defaults()} with the {@code with...} methods.
     *
     * @param dataDir directory for the Kafka logs and metadata; {@code null}: a new temporary
     *     directory that {@link #close()} deletes. A given directory is kept, and reused (not
     *     formatted again) when it already holds a formatted broker.
     * @param host the address both listeners bind to and advertise; default {@code 127.0.0.1}
     * @param brokerPort client listener port; 0 picks a free port
     * @param controllerPort controller listener port; 0 picks a free port
     * @param extraBrokerProperties broker properties applied last, over the defaults
     * @param saslPlainUsers user name to password; when not empty the broker also opens a
     *     SASL_PLAINTEXT listener ({@link #SASL_LISTENER}, mechanism PLAIN, a free port) that accepts
     *     exactly these users, next to the PLAINTEXT one, which stays for tests' own admin clients
     */
    public record Settings(Path dataDir, String host, int brokerPort, int controllerPort,
                           Map<String, String> extraBrokerProperties, Map<String, String> saslPlainUsers) {

        public static final String DEFAULT_HOST = "127.0.0.1";

        public Settings {
            host = host == null || host.isBlank() ? DEFAULT_HOST : host.trim();
            checkPort("brokerPort", brokerPort);
            checkPort("controllerPort", controllerPort);
            if (brokerPort != 0 && brokerPort == controllerPort) {
                throw new IllegalArgumentException(
                        "brokerPort and controllerPort must differ, both are " + brokerPort);
            }
            extraBrokerProperties = extraBrokerProperties == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(extraBrokerProperties));
            extraBrokerProperties.keySet().forEach(KafkaBroker::checkBrokerPropertyName);
            saslPlainUsers = saslPlainUsers == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(saslPlainUsers));
            saslPlainUsers.forEach((user, password) -> {
                checkJaasValue("SASL user name", user);
                checkJaasValue("SASL password of " + user, password);
            });
        }

        /** Without SASL users (the settings before the SASL listener existed). */
        public Settings(Path dataDir, String host, int brokerPort, int controllerPort, Map<String, String> extraBrokerProperties) {
            this(dataDir, host, brokerPort, controllerPort, extraBrokerProperties, Map.of());
        }

        /** Temporary data dir, 127.0.0.1, free ports, no extra properties. */
        public static Settings defaults() {
            return new Settings(null, DEFAULT_HOST, 0, 0, Map.of());
        }

        public Settings withDataDir(Path dir) {
            return new Settings(dir, host, brokerPort, controllerPort, extraBrokerProperties, saslPlainUsers);
        }

        public Settings withHost(String newHost) {
            return new Settings(dataDir, newHost, brokerPort, controllerPort, extraBrokerProperties, saslPlainUsers);
        }

        public Settings withBrokerPort(int port) {
            return new Settings(dataDir, host, port, controllerPort, extraBrokerProperties, saslPlainUsers);
        }

        public Settings withControllerPort(int port) {
            return new Settings(dataDir, host, brokerPort, port, extraBrokerProperties, saslPlainUsers);
        }

        /** Replaces all extra broker properties. */
        public Settings withExtraBrokerProperties(Map<String, String> props) {
            return new Settings(dataDir, host, brokerPort, controllerPort, props, saslPlainUsers);
        }

        /** Adds (or replaces) one extra broker property. */
        public Settings withBrokerProperty(String key, String value) {
            Map<String, String> props = new LinkedHashMap<>(extraBrokerProperties);
            props.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return new Settings(dataDir, host, brokerPort, controllerPort, props, saslPlainUsers);
        }

        /**
         * Adds a user to the SASL_PLAINTEXT/PLAIN listener, opening that listener with the first user.
         * Clients connect to {@link KafkaBroker#saslBootstrapServers()} with security.protocol
         * SASL_PLAINTEXT, sasl.mechanism PLAIN and {@link KafkaBroker#plainJaasConfig}.
         */
        public Settings withSaslPlainUser(String user, String password) {
            Map<String, String> users = new LinkedHashMap<>(saslPlainUsers);
            users.put(Objects.requireNonNull(user, "user"), Objects.requireNonNull(password, "password"));
            return new Settings(dataDir, host, brokerPort, controllerPort, extraBrokerProperties, users);
        }

        // Values are written inside double quotes of a JAAS line; a quote or backslash would end or escape them.
        private static void checkJaasValue(String what, String value) {
            if (value == null || value.isEmpty() || value.indexOf('"') >= 0 || value.indexOf('\\') >= 0 || value.indexOf(';') >= 0) {
                throw new IllegalArgumentException(what + " must be non-empty without '\"', '\\' or ';'");
            }
        }

        private static void checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + " must be 0..65535, got " + port);
            }
        }
    }

    private KafkaBroker(Settings settings, Path dataDir, boolean deleteDataDirOnClose,
                        int brokerPort, int controllerPort, int saslPort, KafkaRaftServer server, List<Path> logDirs) {
        this.settings = settings;
        this.logDirs = logDirs;
        this.dataDir = dataDir;
        this.deleteDataDirOnClose = deleteDataDirOnClose;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.saslPort = saslPort;
        this.server = server;
    }

    /**
     * Formats the storage if needed and starts the broker; returns once it accepts clients.
     *
     * @throws PortInUseException when a requested port is taken
     */
    public static KafkaBroker start(Settings settings) {
        Objects.requireNonNull(settings, "settings");
        long t0 = System.nanoTime();
        String host = settings.host();
        int brokerPort = settings.brokerPort() == 0
                ? freePort(host, -1)
                : checkPortFree(host, settings.brokerPort(), "Kafka broker port",
                        "--port (KafkaBrokerMain) or KafkaBroker.Settings.withBrokerPort(...)");
        int controllerPort = settings.controllerPort() == 0
                ? freePort(host, brokerPort)
                : checkPortFree(host, settings.controllerPort(), "Kafka controller port",
                        "--controller-port (KafkaBrokerMain) or KafkaBroker.Settings.withControllerPort(...)");
        if (brokerPort == controllerPort) {
            throw new IllegalArgumentException("broker and controller port are both " + brokerPort);
        }
        int saslPort = settings.saslPlainUsers().isEmpty() ? -1 : freePort(host, brokerPort, controllerPort);

        boolean temp = settings.dataDir() == null;
        Path dataDir;
        try {
            dataDir = temp ? Files.createTempDirectory("reluflow-kafka-")
                    : Files.createDirectories(settings.dataDir().toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create Kafka data dir", e);
        }

        KafkaRaftServer server = null;
        try {
            Properties props = brokerProperties(settings, dataDir, brokerPort, controllerPort, saslPort);
            Path configFile = dataDir.resolve("server.properties");
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "written by reluflow KafkaBroker; regenerated on every start");
            }
            formatIfNeeded(props, configFile);

            KafkaConfig config = KafkaConfig.fromProps(props, false);
            server = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                server.startup();
            } catch (RuntimeException e) {
                stopQuietly(server);
                server = null;
                throw translateBindFailure(e, host, brokerPort, controllerPort);
            }
            KafkaBroker broker = new KafkaBroker(settings, dataDir, temp, brokerPort, controllerPort, saslPort, server, logDirs(props));
            broker.awaitReady();
            LOG.info("Kafka broker up at {} (controller {}:{}, data {}) in {} ms", broker.bootstrapServers(),
                    host, controllerPort, dataDir, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            return broker;
        } catch (RuntimeException | IOException | Error e) {
            if (server != null) {
                stopQuietly(server);
            }
            if (temp) {
                deleteRecursively(dataDir);
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot start Kafka broker", io);
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) e;
        }
    }

    /** The client bootstrap address, {@code HOST:PORT}. */
    public String bootstrapServers() {
        return hostPort(settings.host(), brokerPort);
    }

    /** The SASL_PLAINTEXT (PLAIN) listener's address, {@code HOST:PORT}; only with {@link Settings#withSaslPlainUser}. */
    public String saslBootstrapServers() {
        if (saslPort < 0) {
            throw new IllegalStateException("this broker has no SASL listener: start it with Settings.withSaslPlainUser(user, password)");
        }
        return hostPort(settings.host(), saslPort);
    }

    /** The client-side sasl.jaas.config for the PLAIN mechanism. */
    public static String plainJaasConfig(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\"" + password + "\";";
    }

    public String host() {
        return settings.host();
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The data directory (logs, metadata, the generated {@code server.properties}). */
    public Path dataDir() {
        return dataDir;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Creates the topics (name to partition count) with replication factor 1 and waits until
     * they are usable. A topic that already exists is left as it is.
     */
    public void createTopics(Map<String, Integer> topicPartitions) {
        createTopics(topicPartitions, Map.of());
    }

    /**
     * As {@link #createTopics(Map)}, each topic with the given topic configs (e.g. {@code
     * message.timestamp.type=LogAppendTime}).
     */
    public void createTopics(Map<String, Integer> topicPartitions, Map<String, String> topicConfigs) {
        Objects.requireNonNull(topicPartitions, "topicPartitions");
        Objects.requireNonNull(topicConfigs, "topicConfigs");
        if (topicPartitions.isEmpty()) {
            return;
        }
        ensureOpen();
        List<NewTopic> newTopics = new ArrayList<>();
        topicPartitions.forEach((name, partitions) -> {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("blank topic name");
            }
            if (partitions == null || partitions < 1) {
                throw new IllegalArgumentException("topic " + name + ": partitions must be >= 1, got " + partitions);
            }
            newTopics.add(new NewTopic(name, partitions, (short) 1).configs(topicConfigs));
        });
        try (Admin admin = admin()) {
            awaitEach(admin.createTopics(newTopics).values(), "create", TopicExistsException.class);
            awaitTopics(admin, topicPartitions);
        }
    }

    /**
     * Deletes the topics and waits until the broker no longer lists them. A topic that does not exist is
     * skipped. The broker removes the log files {@code log.segment.delete.delay.ms} later (Kafka's default: a
     * minute); {@link #awaitLogsRemoved} waits for that.
     */
    public void deleteTopics(Collection<String> topics) {
        Objects.requireNonNull(topics, "topics");
        if (topics.isEmpty()) {
            return;
        }
        ensureOpen();
        try (Admin admin = admin()) {
            awaitEach(admin.deleteTopics(topics).topicNameValues(), "delete", UnknownTopicOrPartitionException.class);
            long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (!Collections.disjoint(admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), topics)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topics " + topics + " still listed " + ADMIN_TIMEOUT + " after their deletion");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deleting topics " + topics, e);
        } catch (ExecutionException | TimeoutException e) {
            throw asRuntime("cannot list topics after deleting " + topics, e);
        }
    }

    /**
     * Waits until no log directory of the given topics is left in the broker's log dirs: after {@link #deleteTopics}
     * Kafka renames each partition's directory to {@code <topic>-<partition>.<id>-delete} and removes it only
     * {@code log.segment.delete.delay.ms} later, all of a topic's files at once. Whoever measures the broker waits here
     * so that the removal (freeing gigabytes when the log is in memory) does not fall inside the next measurement.
     *
     * @throws IllegalStateException when directories are still there after {@code timeout}, naming them
     */
    public void awaitLogsRemoved(Collection<String> topics, Duration timeout) {
        Objects.requireNonNull(topics, "topics");
        ensureOpen();
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Path> left = logDirectoriesOf(topics);
        while (!left.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(left.size() + " log directories of deleted topics " + topics + " still there "
                        + timeout.toSeconds() + " s after their deletion (e.g. " + left.get(0) + "): the broker removes them "
                        + "log.segment.delete.delay.ms after the deletion (Kafka's default: a minute); lower it for this broker");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the logs of " + topics + " to be removed", e);
            }
            left = logDirectoriesOf(topics);
        }
    }

    /** Directories of the topics' partitions in this broker's log dirs, live or renamed for deletion. */
    List<Path> logDirectoriesOf(Collection<String> topics) {
        List<Path> found = new ArrayList<>();
        for (Path dir : logDirs) {
            try (Stream<Path> entries = Files.list(dir)) {
                entries.filter(entry -> isPartitionDirectoryOf(entry.getFileName().toString(), topics)).forEach(found::add);
            } catch (NoSuchFileException e) {
                // A log dir the broker has not created yet holds nothing.
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list Kafka log dir " + dir, e);
            }
        }
        return found;
    }

    /**
     * {@code <topic>-<partition>} or, after a deletion, {@code <topic>-<partition>.<id>-delete}. Kafka shortens the topic
     * in the second form only where the name would pass 255 characters, which our topic names never come near.
     */
    static boolean isPartitionDirectoryOf(String name, Collection<String> topics) {
        for (String topic : topics) {
            if (name.length() > topic.length() + 1 && name.startsWith(topic) && name.charAt(topic.length()) == '-') {
                String rest = name.substring(topic.length() + 1);
                int dot = rest.indexOf('.');
                String partition = dot < 0 ? rest : rest.substring(0, dot);
                if (!partition.isEmpty() && partition.chars().allMatch(Character::isDigit)
                        && (dot < 0 || rest.endsWith("-delete"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Shuts the broker down, waits for it, and deletes the data dir if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long t0 = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (deleteDataDirOnClose) {
                deleteRecursively(dataDir);
            }
        }
        LOG.info("Kafka broker at {} stopped in {} ms", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    // ----------------------------------------------------------------------------------------

    static Properties brokerProperties(Settings s, Path dataDir, int brokerPort, int controllerPort) {
        return brokerProperties(s, dataDir, brokerPort, controllerPort, -1);
    }

    /** saslPort: the SASL_PLAINTEXT listener's port, or -1 for none. */
    static Properties brokerProperties(Settings s, Path dataDir, int brokerPort, int controllerPort, int saslPort) {
        String host = s.host();
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        // Static quorum: the voter set comes from the config, so the controller port may change
        // between restarts on the same data dir.
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + hostPort(host, controllerPort));
        p.setProperty("controller.listener.names", CONTROLLER_LISTENER);
        p.setProperty("listeners", BROKER_LISTENER + "://" + hostPort(host, brokerPort) + ","
                + CONTROLLER_LISTENER + "://" + hostPort(host, controllerPort));
        p.setProperty("advertised.listeners", BROKER_LISTENER + "://" + hostPort(host, brokerPort));
        p.setProperty("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.setProperty("inter.broker.listener.name", BROKER_LISTENER);
        p.setProperty("log.dirs", dataDir.resolve("logs").toString());
        if (saslPort >= 0) {
            addSaslPlainListener(p, host, saslPort, s.saslPlainUsers());
        }

        // One node: every internal topic with replication factor 1.
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("transaction.max.timeout.ms", Long.toString(TRANSACTION_MAX_TIMEOUT_MS));
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.num.partitions", "1");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        // Small footprint and fast shutdown on a laptop.
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        p.setProperty("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.setProperty("controlled.shutdown.enable", "true");

        s.extraBrokerProperties().forEach(p::setProperty);
        return p;
    }

    /**
     * A client listener with SASL_PLAINTEXT and the PLAIN mechanism beside PLAINTEXT; the broker's own
     * (inter-broker, controller) traffic stays on PLAINTEXT, so only clients authenticate. The users
     * are the PlainLoginModule's user_NAME="PASSWORD" options of the listener's JAAS configuration.
     */
    private static void addSaslPlainListener(Properties p, String host, int port, Map<String, String> users) {
        String address = SASL_LISTENER + "://" + hostPort(host, port);
        p.setProperty("listeners", p.getProperty("listeners") + "," + address);
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + "," + address);
        p.setProperty("listener.security.protocol.map", p.getProperty("listener.security.protocol.map") + "," + SASL_LISTENER + ":SASL_PLAINTEXT");
        p.setProperty("sasl.enabled.mechanisms", "PLAIN");
        String prefix = "listener.name." + SASL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
        p.setProperty(prefix + "sasl.enabled.mechanisms", "PLAIN");
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) -> jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        p.setProperty(prefix + "plain.sasl.jaas.config", jaas.append(';').toString());
    }

    /**
     * Kafka ignores a broker property it does not know without a word (the config is built here without logging), so a
     * topic config's name given as a broker property (e.g. {@code file.delete.delay.ms}, whose broker-wide name is
     * {@code log.segment.delete.delay.ms}) would silently run with Kafka's default. That mistake is refused, with the
     * right name; any other unknown name is only logged, since plugins (authorizers, metric reporters) read their own.
     */
    static void checkBrokerPropertyName(String name) {
        if (KafkaConfig.configDef().names().contains(name) || name.startsWith("listener.name.")) {
            return;
        }
        String brokerName = ServerTopicConfigSynonyms.TOPIC_CONFIG_SYNONYMS.get(name);
        if (brokerName != null && !brokerName.equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is a topic config, which a broker does not read: its broker-wide "
                    + "default is '" + brokerName + "'");
        }
        LOG.warn("'{}' is not a Kafka broker config; Kafka ignores it unless a plugin reads it", name);
    }

    private static List<Path> logDirs(Properties props) {
        return Stream.of(props.getProperty("log.dirs").split(",")).map(String::trim).filter(d -> !d.isEmpty()).map(Path::of).toList();
    }

    private static void formatIfNeeded(Properties props, Path configFile) throws IOException {
        Path logDir = logDirs(props).get(0);
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.info("Kafka storage in {} is already formatted; reusing it", logDir);
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int rc;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                "format", "--config", configFile.toString(),
                "--cluster-id", Uuid.randomUuid().toString(), "--ignore-formatted"}, out);
        } catch (RuntimeException e) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed: "
                    + e.getMessage() + "\n" + buf.toString(StandardCharsets.UTF_8), e);
        }
        if (rc != 0) {
            throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed (exit " + rc
                    + "): " + buf.toString(StandardCharsets.UTF_8));
        }
        LOG.debug("kafka-storage format: {}", buf.toString(StandardCharsets.UTF_8).trim());
    }

    private void awaitReady() {
        // KafkaRaftServer.startup() returns once the broker is unfenced; a cluster round trip
        // confirms the client listener answers.
        try (Admin admin = admin()) {
            admin.describeCluster().nodes().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw asRuntime("Kafka broker at " + bootstrapServers() + " did not answer", e);
        }
    }

    /** Waits for each topic's result; a failure that says it already is so (created, or gone) is not one. */
    private static void awaitEach(Map<String, KafkaFuture<Void>> results, String action, Class<? extends Exception> alreadySo) {
        results.forEach((name, future) -> {
            try {
                future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!alreadySo.isInstance(e.getCause())) {
                    throw new IllegalStateException("cannot " + action + " topic " + name + ": " + e.getCause(), e.getCause());
                }
            } catch (Exception e) {
                throw asRuntime("cannot " + action + " topic " + name, e);
            }
        });
    }

    private void awaitTopics(Admin admin, Map<String, Integer> topicPartitions) {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        Set<String> names = topicPartitions.keySet();
        while (true) {
            try {
                Map<String, TopicDescription> descs = admin.describeTopics(names).allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean allLed = descs.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty());
                if (allLed) {
                    descs.forEach((name, d) -> {
                        int wanted = topicPartitions.get(name);
                        if (d.partitions().size() != wanted) {
                            LOG.warn("topic {} already exists with {} partitions (asked for {}); left as it is",
                                    name, d.partitions().size(), wanted);
                        }
                    });
                    return;
                }
            } catch (ExecutionException e) {
                // UnknownTopicOrPartition until the broker's metadata catches up; retry.
            } catch (Exception e) {
                throw asRuntime("cannot describe topics " + names, e);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topics " + names + " not ready after " + ADMIN_TIMEOUT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for topics", e);
            }
        }
    }

    private Admin admin() {
        Properties p = new Properties();
        p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "reluflow-kafka-local-admin");
        p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        return Admin.create(p);
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " is closed");
        }
    }

    private static int checkPortFree(String host, int port, String what, String hint) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // the same flag Kafka's SocketServer uses
            s.bind(new InetSocketAddress(host, port));
            return port;
        } catch (BindException e) {
            throw new PortInUseException(host, port, what, hint, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind " + what + " " + host + ":" + port, e);
        }
    }

    private static int freePort(String host, int... avoid) {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(host, 0));
                int port = s.getLocalPort();
                if (java.util.Arrays.stream(avoid).noneMatch(a -> a == port)) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot find a free port on " + host, e);
            }
        }
        throw new IllegalStateException("cannot find a free port on " + host);
    }

    private static RuntimeException translateBindFailure(RuntimeException e, String host, int brokerPort,
                                                         int controllerPort) {
        // A race with another process between the port check and Kafka's own bind.
        for (Throwable t = e; t != null; t = t.getCause()) {
            String msg = String.valueOf(t.getMessage());
            if (t instanceof BindException || msg.contains("Address already in use")) {
                boolean controller = msg.contains(":" + controllerPort) && !msg.contains(":" + brokerPort);
                return controller
                        ? new PortInUseException(host, controllerPort, "Kafka controller port",
                                "--controller-port (KafkaBrokerMain) or KafkaBroker.Settings.withControllerPort(...)", e)
                        : new PortInUseException(host, brokerPort, "Kafka broker port",
                                "--port (KafkaBrokerMain) or KafkaBroker.Settings.withBrokerPort(...)", e);
            }
        }
        return e;
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.warn("error while stopping a Kafka broker that failed to start", e);
        }
    }

    private static String hostPort(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static RuntimeException asRuntime(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new IllegalStateException(what + ": " + cause, cause);
    }

    static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("cannot delete {}: {}", dir, e.toString());
        }
    }
}
