package reluflow.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayCommandsHelpTest {
    @Test
    void theNewCommandsAreListedAndEachHasHelp() {
        assertThat(Cli.run("--help").out()).contains("record", "replay", "compare");
        assertThat(Cli.run("frames", "--help").out()).contains("make", "import");
        for (List<String> command : List.of(List.of("record"), List.of("replay"), List.of("frames", "import"), List.of("compare"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
            Cli.Result r = Cli.run(args);
            assertThat(r.exitCode()).as(command.toString()).isZero();
            assertThat(r.out()).as(command.toString()).contains("Usage: reluflow " + String.join(" ", command));
        }
        assertThat(Cli.run("record", "--help").out()).contains("--bootstrap", "--topic", "--out", "--from", "--until", "--max", "--type",
                "--follow");
        assertThat(Cli.run("replay", "--help").out()).contains("--in", "--speed", "--rate", "--loop", "--rewrite-time");
        assertThat(Cli.run("frames", "import", "--help").out()).contains("--images", "--csv", "--npy", "--shape", "--label-from-dir",
                "--label-column", "--sensor-column", "--time-column");
        assertThat(Cli.run("compare", "--help").out()).contains("--max-changed-classes", "--max-score-delta", "--min-box-iou",
                "--max-sparsity-shift");
    }
}
