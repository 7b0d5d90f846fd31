package reluflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {
    @TempDir
    Path dir;

    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEveryCommandAndEveryCommandHasHelp() {
        Result help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("demo", "model", "frames", "infer", "job", "kafka");
        for (List<String> command : List.of(List.of("demo"), List.of("model", "make"), List.of("model", "inspect"),
                List.of("frames", "make"), List.of("infer"), List.of("job", "options"), List.of("job", "run"),
                List.of("kafka", "start"), List.of("kafka", "stop"), List.of("kafka", "status"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
            Result r = run(args);
            assertThat(r.exitCode()).as(command.toString()).isZero();
            assertThat(r.out()).as(command.toString()).contains("Usage: reluflow " + String.join(" ", command));
        }
        assertThat(run("infer", "--help").out()).contains("--model", "--input", "--output", "--batch", "--sample-rate", "--labels");
    }

    @Test
    void makeModelMakeFramesInferAndInspect() throws Exception {
        Path model = dir.resolve("mlp.onnx");
        Path frames = dir.resolve("frames.avro");
        Path output = dir.resolve("out.jsonl");
        assertThat(run("model", "make", "--kind", "mlp", "--out", model.toString()).exitCode()).isZero();
        assertThat(run("frames", "make", "--kind", "mlp", "--count", "200", "--out", frames.toString()).exitCode()).isZero();

        Result infer = run("infer", "--model", model.toString(), "--input", frames.toString(), "--output", output.toString(),
                "--provider", "cpu", "--batch", "16");
        assertThat(infer.exitCode()).as(infer.err()).isZero();
        assertThat(infer.out()).contains("Frames in         200", "Accounted for     200 of 200 frames", "fc1_relu", "fc2_relu");

        List<String> lines = Files.readAllLines(output);
        assertThat(lines).hasSize(200);
        ObjectMapper json = new ObjectMapper();
        JsonNode first = json.readTree(lines.get(0));
        assertThat(first.get("sensor_id").asText()).isEqualTo("sensor-0");
        assertThat(first.get("model").get("name").asText()).isEqualTo("mlp");
        assertThat(first.get("detections").get(0).get("label").asText()).isNotEmpty();
        assertThat(first.get("layer_sparsity").get("fc1_relu").asDouble()).isBetween(0.0, 1.0);
        assertThat(first.get("batch_size").asInt()).isEqualTo(16);

        Result inspect = run("model", "inspect", model.toString(), "--provider", "cpu");
        assertThat(inspect.out()).contains("features FLOAT[?,64]", "fc1_relu", "Relu", "Gemm", "32");
    }

    @Test
    void jobOptionsListEveryOptionWithItsDefault() {
        Result options = run("job", "options");
        assertThat(options.exitCode()).isZero();
        assertThat(options.out()).contains("batch.max-size\n    default: 128", "delivery.guarantee\n    default: EXACTLY_ONCE",
                "kafka.properties.*");
    }

    @Test
    void theDemoRunsTheRealJobAndAccountsForEveryFrame() {
        Result demo = run("demo", "--frames", "600", "--rate", "0", "--work-dir", dir.resolve("demo").toString(), "--provider", "cpu");
        assertThat(demo.exitCode()).as(demo.out() + demo.err()).isZero();
        assertThat(demo.out()).contains("Frames in           600", "Accounted for       600 of 600 frames",
                "Detections out      598 (one per valid frame; 0 duplicates)", "fc1_relu", "fc2_relu", "Accuracy (top-1)");
    }

    @Test
    void badInputsFailWithAMessageAndExitCode2() throws Exception {
        Result missing = run("model", "inspect", dir.resolve("none.onnx").toString());
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(missing.err()).contains("none.onnx does not exist");

        Path model = dir.resolve("mlp.onnx");
        run("model", "make", "--kind", "mlp", "--out", model.toString());
        Result noFrames = run("infer", "--model", model.toString(), "--input", dir.resolve("x.avro").toString(), "--output", "o.jsonl");
        assertThat(noFrames.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(noFrames.err()).contains("x.avro does not exist");

        Result badOption = run("infer", "--model", model.toString(), "--sample-rate", "lots");
        assertThat(badOption.exitCode()).isNotZero();
        assertThat(badOption.err()).contains("--sample-rate");
    }
}
