package reluflow.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link KafkaBrokerMain} as a child JVM, waits for KAFKA_READY, stops it with SIGTERM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KafkaBrokerMainTest {

    @Test
    void refusesATopicConfigGivenAsABrokerPropertyBeforeStarting() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int rc = KafkaBrokerMain.run(new String[] {"--port", "0", "--controller-port", "0", "--prop", "file.delete.delay.ms=0"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("'file.delete.delay.ms' is a topic config")
                .contains("'log.segment.delete.delay.ms'");
    }

    @Test
    void printsReadyLineServesTopicsAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        Path dataDir = tmp.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process proc = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                KafkaBrokerMain.class.getName(), "--port", "0", "--controller-port", "0",
                "--data-dir", dataDir.toString(), "--topics", "a:2,b:1")
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith(KafkaBrokerMain.READY_MARKER + " ")) {
                        ready.complete(line);
                    }
                }
            } catch (Exception e) {
                ready.completeExceptionally(e);
            }
            ready.completeExceptionally(new IllegalStateException("process ended without ready line: " + lines));
        }, "child-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            String line = ready.get(45, TimeUnit.SECONDS);
            assertThat(line).matches("KAFKA_READY bootstrap=127\\.0\\.0\\.1:\\d+");
            String bootstrap = line.substring(line.indexOf('=') + 1);

            Properties p = new Properties();
            p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin admin = Admin.create(p)) {
                assertThat(admin.describeTopics(List.of("a", "b")).allTopicNames().get(10, TimeUnit.SECONDS))
                        .hasEntrySatisfying("a", d -> assertThat(d.partitions()).hasSize(2))
                        .hasEntrySatisfying("b", d -> assertThat(d.partitions()).hasSize(1));
            }

            long t0 = System.nanoTime();
            proc.destroy(); // SIGTERM
            assertThat(proc.waitFor(30, TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
            System.out.printf("KafkaBrokerMainTest: child stopped %d ms after SIGTERM (exit %d)%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), proc.exitValue());
            assertThat(proc.exitValue()).isIn(0, 143);
            reader.join(5000);
            assertThat(lines.stream().filter(l -> l.startsWith("KAFKA_READY"))).hasSize(1);
            assertThat(dataDir.resolve("logs").resolve("meta.properties")).isRegularFile(); // given dir kept
        } finally {
            if (proc.isAlive()) {
                proc.destroyForcibly();
            }
        }
    }
}
