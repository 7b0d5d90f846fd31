package reluflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --model-sha256 on the commands that run a model, and its pass-through to the job's model.sha256. */
class ModelPinCliTest {
    @TempDir
    Path dir;

    private static int run(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void inferRefusesAModelWhoseHashDiffersAndRunsTheRightOne() throws Exception {
        Path model = dir.resolve("mlp.onnx");
        Path frames = dir.resolve("frames.avro");
        assertThat(run(new StringWriter(), "model", "make", "--kind", "mlp", "--out", model.toString())).isZero();
        assertThat(run(new StringWriter(), "frames", "make", "--kind", "mlp", "--count", "8", "--out", frames.toString())).isZero();
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(model)));
        String wrong = "0".repeat(64);

        StringWriter err = new StringWriter();
        int code = run(err, "infer", "--model", model.toString(), "--input", frames.toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--provider", "cpu", "--model-sha256", wrong);
        assertThat(code).isEqualTo(Main.EXIT_CONFIG);
        assertThat(err.toString()).contains("Model file " + model, "has SHA-256 " + actual, "model.sha256 expects " + wrong);
        assertThat(dir.resolve("out.jsonl")).doesNotExist();

        StringWriter ok = new StringWriter();
        assertThat(run(ok, "infer", "--model", model.toString(), "--input", frames.toString(), "--output",
                dir.resolve("out.jsonl").toString(), "--provider", "cpu", "--model-sha256", actual)).as(ok.toString()).isZero();
        assertThat(Files.readAllLines(dir.resolve("out.jsonl"))).hasSize(8);
    }

    @Test
    void theOptionBecomesTheJobsModelSha256() {
        EngineOptions options = new EngineOptions();
        new CommandLine(options).parseArgs("--model-sha256", "ab".repeat(32));
        assertThat(options.toJobSettings()).containsEntry("model.sha256", "ab".repeat(32));
        assertThat(options.toConfig(Path.of("m.onnx")).modelSha256()).isEqualTo("ab".repeat(32));
        assertThat(new EngineOptions().toJobSettings()).doesNotContainKey("model.sha256");
    }
}
