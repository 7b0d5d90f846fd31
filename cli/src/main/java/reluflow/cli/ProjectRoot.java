package reluflow.cli;

import java.nio.file.Path;

/** The repository the CLI runs from: ./reluflow passes it as -Dreluflow.root; otherwise the working directory. */
public final class ProjectRoot {
    private ProjectRoot() {
    }

    public static Path get() {
        String root = System.getProperty("reluflow.root");
        return (root != null ? Path.of(root) : Path.of("")).toAbsolutePath().normalize();
    }

    public static Path jobJar() {
        return get().resolve("job/target/reluflow-job.jar");
    }
}
