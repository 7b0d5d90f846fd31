package reluflow.job.config;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import org.apache.flink.core.fs.FileSystem;
import reluflow.engine.EngineException;

/**
 * Where the model file lives: a local path, or any URI a Flink file system serves (s3:, hdfs:,
 * file:). Local files are opened by the engine itself (so external data next to the model works);
 * remote ones are read into memory through Flink's file systems.
 */
public final class ModelLocation {
    private ModelLocation() {
    }

    public static boolean isLocal(String location) {
        URI uri = toUri(location);
        return uri == null || uri.getScheme() == null || uri.getScheme().equals("file");
    }

    /** A path naming the model in messages; the real local path for local models. */
    public static Path displayPath(String location) {
        URI uri = toUri(location);
        if (uri != null && "file".equals(uri.getScheme())) {
            return Path.of(uri);
        }
        return Path.of(uri == null || uri.getScheme() == null ? location : uri.getPath());
    }

    public static byte[] readRemote(String location) throws EngineException {
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(location);
        try {
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                throw new EngineException("Model " + location + " does not exist");
            }
            try (InputStream in = fs.open(path)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new EngineException("Model " + location + " cannot be read through Flink's file systems (is the "
                    + path.toUri().getScheme() + " plugin installed?): " + e.getMessage(), e);
        }
    }

    private static URI toUri(String location) {
        try {
            return URI.create(location);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
