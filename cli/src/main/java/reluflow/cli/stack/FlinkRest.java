package reluflow.cli.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Flink's REST API, as any Flink 2.2 cluster serves it: upload and run jars, list, stop, cancel, savepoint. */
public final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public FlinkRest(String hostPort) {
        this.base = hostPort.startsWith("http") ? hostPort : "http://" + hostPort;
    }

    public String base() {
        return base;
    }

    public JsonNode get(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public JsonNode post(String path, Object body) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public JsonNode patch(String path) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method("PATCH", HttpRequest.BodyPublishers.noBody()));
    }

    /** POST /jars/upload (multipart), returns the jar id the cluster gave it. */
    public String uploadJar(Path jar) throws IOException {
        String boundary = "reluflow-" + UUID.randomUUID();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        JsonNode reply = send(HttpRequest.newBuilder(URI.create(base + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .timeout(Duration.ofMinutes(5))
                .POST(HttpRequest.BodyPublishers.ofByteArrays(List.of(head, Files.readAllBytes(jar), tail))));
        String file = reply.path("filename").asText();
        return file.substring(file.lastIndexOf('/') + 1);
    }

    /** POST /jars/:id/run; the job's main() runs on the JobManager. Returns the job id. */
    public String runJar(String jarId, String entryClass, List<String> args, Integer parallelism, String savepoint) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("entryClass", entryClass);
        body.put("programArgsList", args);
        if (parallelism != null) {
            body.put("parallelism", parallelism);
        }
        if (savepoint != null) {
            body.put("savepointPath", savepoint);
            body.put("allowNonRestoredState", false);
        }
        return post("/jars/" + jarId + "/run", body).path("jobid").asText();
    }

    /** Polls an asynchronous operation (savepoint, stop) until it completes; returns its location. */
    public String awaitOperation(String path, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get(path);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                JsonNode operation = status.path("operation");
                if (operation.has("failure-cause")) {
                    throw new IOException("Flink operation failed: " + operation.path("failure-cause").path("stack-trace").asText()
                            .lines().findFirst().orElse("unknown"));
                }
                return operation.path("location").asText();
            }
            Thread.sleep(250);
        }
        throw new IOException("Flink operation " + path + " did not complete within " + timeout.toSeconds() + " s");
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            if (response.statusCode() >= 400) {
                String errors = body.path("errors").toString();
                throw new IOException("Flink REST " + response.request().method() + " " + response.request().uri().getPath()
                        + " answered " + response.statusCode() + ": " + firstLines(errors, 6));
            }
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while calling Flink at " + base, e);
        } catch (java.net.ConnectException e) {
            throw new IOException("No Flink JobManager answers at " + base + " (is the cluster up? './reluflow stack status')", e);
        }
    }

    private static String firstLines(String text, int lines) {
        return String.join("\n", text.replace("\\n", "\n").replace("\\t", "  ").lines().limit(lines).toList());
    }
}
