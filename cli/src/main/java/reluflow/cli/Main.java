package reluflow.cli;

import picocli.CommandLine;
import reluflow.engine.EngineException;

/** Entry point of ./reluflow. */
public final class Main {
    /** Exit code for a bad configuration, model or input file: the message says what to fix. */
    public static final int EXIT_CONFIG = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line (case-insensitive enums, user errors -> exit 2); tests run commands through it. */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new ReluflowCommand());
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof EngineException || e instanceof UserError || e instanceof java.io.IOException
                    || e instanceof reluflow.job.config.InvalidConfigException) {
                cmd.getErr().println("reluflow: " + e.getMessage());
                return EXIT_CONFIG;
            }
            throw e;
        });
        return commandLine;
    }
}
