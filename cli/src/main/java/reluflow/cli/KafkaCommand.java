package reluflow.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import java.time.Duration;
import reluflow.cli.stack.KafkaProcess;

@Command(name = "kafka", mixinStandardHelpOptions = true,
        description = "Start and stop a real Kafka broker (KRaft, from the Kafka jars) as its own process, for longer local work.",
        subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class})
public final class KafkaCommand {
    static final String DEFAULT_DIR = ".run/kafka";

    static Path pidFile(Path dir) {
        return dir.resolve("kafka.pid");
    }

    static Path addressFile(Path dir) {
        return dir.resolve("bootstrap");
    }

    static Optional<ProcessHandle> running(Path dir) throws IOException {
        Path pid = pidFile(dir);
        if (!Files.exists(pid)) {
            return Optional.empty();
        }
        return ProcessHandle.of(Long.parseLong(Files.readString(pid).strip())).filter(ProcessHandle::isAlive);
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Start the broker in the background (does nothing if it runs).")
    static final class Start implements Callable<Integer> {
        @Option(names = "--port", defaultValue = "9092", description = "Broker port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
        int port;

        @Option(names = "--controller-port", defaultValue = "9093", description = "KRaft controller port (default: ${DEFAULT-VALUE}).")
        int controllerPort;

        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "Data, log and pid folder (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--topics", defaultValue = KafkaProcess.DEFAULT_TOPICS,
                description = "Topics to create, name:partitions,... (default: ${DEFAULT-VALUE}).")
        String topics;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Files.createDirectories(dir);
            if (running(dir).isPresent()) {
                out.println("Kafka already runs at " + Files.readString(addressFile(dir)).strip() + " (pid " + running(dir).get().pid() + ")");
                return 0;
            }
            Path log = dir.resolve("kafka.log");
            Process process = KafkaProcess.start(port, controllerPort, dir.resolve("data"), topics, log, Duration.ofSeconds(60));
            String bootstrap = KafkaProcess.bootstrap(log).orElseThrow();
            Files.writeString(pidFile(dir), Long.toString(process.pid()));
            Files.writeString(addressFile(dir), bootstrap);
            out.println("Kafka runs at " + bootstrap + " (pid " + process.pid() + ", topics " + topics + ", log " + log + ")");
            return 0;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the broker started by 'kafka start'.")
    static final class Stop implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The folder given to start (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Optional<ProcessHandle> broker = running(dir);
            if (broker.isEmpty()) {
                spec.commandLine().getOut().println("Kafka is not running");
                Files.deleteIfExists(pidFile(dir));
                return 0;
            }
            broker.get().destroy();
            try {
                broker.get().onExit().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                broker.get().destroyForcibly();
            }
            Files.deleteIfExists(pidFile(dir));
            spec.commandLine().getOut().println("Kafka stopped");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say whether the broker runs, and where.")
    static final class Status implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The folder given to start (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Optional<ProcessHandle> broker = running(dir);
            spec.commandLine().getOut().println(broker.isPresent()
                    ? "Kafka runs at " + Files.readString(addressFile(dir)).strip() + " (pid " + broker.get().pid() + ")"
                    : "Kafka is not running");
            return broker.isPresent() ? 0 : 3;
        }
    }
}
