package reluflow.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import reluflow.cli.Main;

/**
 * A bounded soak on the real process stack: frames offered at about twice what the job sustains
 * (the CNN on one slot), then none. The job must not fail, the lag must grow and drain, and every
 * frame must be processed exactly once; the printed table is the record of lag, throughput and memory.
 */
class SoakIT {
    private static final Path ROOT = Path.of(System.getProperty("reluflow.root", "..")).toAbsolutePath().normalize();

    @Test
    void overloadIsAbsorbedByBackpressureAndEveryFrameIsProcessed() {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int code = cli.execute("soak", "--load-seconds", "20", "--rate", "4000", "--sample-seconds", "5",
                "--run-dir", ROOT.resolve("integration-tests/target/soak").toString(), "--port-offset", "10400");
        System.out.println(out);
        assertThat(code).as(out.toString()).isZero();
        Matcher summary = Pattern.compile("Soak summary: (\\d+) frames offered .*; (\\d+) processed \\((\\d+) duplicates\\); job failures (\\d+)")
                .matcher(out.toString());
        assertThat(summary.find()).as(out.toString()).isTrue();
        assertThat(Long.parseLong(summary.group(2))).isEqualTo(Long.parseLong(summary.group(1)));
        assertThat(summary.group(3)).isEqualTo("0");
        assertThat(summary.group(4)).isEqualTo("0");
        assertThat(out.toString()).contains("Backpressure held: lag grew");
    }
}
