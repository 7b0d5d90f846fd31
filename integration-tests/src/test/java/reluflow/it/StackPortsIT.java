package reluflow.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import reluflow.cli.UserError;
import reluflow.cli.stack.LocalStack;
import reluflow.cli.stack.StackSettings;

/** `stack up` refuses a taken port with a message that names it, before starting anything. */
class StackPortsIT {
    private static final Path ROOT = Path.of(System.getProperty("reluflow.root", "..")).toAbsolutePath().normalize();

    @Test
    void aTakenPortIsNamedAndNothingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int port = taken.getLocalPort();
            StackSettings settings = new StackSettings(ROOT, ROOT.resolve("integration-tests/target/ports-stack"), 1, 1,
                    28081, 26123, port, 29093);
            StringWriter out = new StringWriter();
            LocalStack stack = new LocalStack(settings, new PrintWriter(out, true));
            assertThatThrownBy(stack::up).isInstanceOf(UserError.class)
                    .hasMessage("Port " + port + " on 127.0.0.1, for Kafka (--kafka-port), is already in use: "
                            + "stop what holds it or choose another port");
            assertThat(stack.status()).containsEntry("kafka", "stopped").containsEntry("jobmanager", "stopped");
        }
    }
}
