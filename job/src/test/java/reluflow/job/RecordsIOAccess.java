package reluflow.job;

import java.util.List;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;

/** RecordsIO for tests in other packages. */
public final class RecordsIOAccess {
    private final RecordsIO io;

    public RecordsIOAccess(String topic, List<byte[]> values) {
        this.io = new RecordsIO(topic, values);
    }

    public PipelineIO io() {
        return io;
    }

    public List<FrameDetections> detections() {
        return io.detections.results();
    }

    public List<SparsityReport> sparsity() {
        return io.sparsity.results();
    }

    public List<DeadLetter> deadLetters() {
        return io.deadLetters.results();
    }
}
