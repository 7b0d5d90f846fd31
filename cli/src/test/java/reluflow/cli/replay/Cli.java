package reluflow.cli.replay;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import reluflow.cli.Main;

/** Runs ./reluflow commands in-process, capturing stdout and stderr. */
final class Cli {
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private Cli() {
    }

    static Result run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
