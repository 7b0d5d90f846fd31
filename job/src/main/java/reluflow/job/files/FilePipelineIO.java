package reluflow.job.files;

import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.job.PipelineIO;
import reluflow.job.source.SourceRecord;

/**
 * The bounded job over recorded files: frames from Avro container files (a file or a directory of
 * them), the three outputs as Avro container files in an output directory. Same pipeline, same operators.
 */
public final class FilePipelineIO implements PipelineIO {
    public static final String DETECTIONS = "detections";
    public static final String SPARSITY = "sparsity";
    public static final String DEAD_LETTERS = "dead-letters";

    private final List<String> inputs;
    private final String outputDirectory;

    public FilePipelineIO(List<String> inputs, String outputDirectory) {
        this.inputs = List.copyOf(inputs);
        this.outputDirectory = outputDirectory;
    }

    @Override
    public Source<SourceRecord, ?, ?> frames() {
        return FileSource.forRecordStreamFormat(new AvroFrameFormat(), inputs.stream().map(Path::new).toArray(Path[]::new)).build();
    }

    @Override
    public Sink<FrameDetections> detections() {
        return new AvroFileSink<>(outputDirectory, DETECTIONS, FrameDetections.class);
    }

    @Override
    public Sink<SparsityReport> sparsity() {
        return new AvroFileSink<>(outputDirectory, SPARSITY, SparsityReport.class);
    }

    @Override
    public Sink<DeadLetter> deadLetters() {
        return new AvroFileSink<>(outputDirectory, DEAD_LETTERS, DeadLetter.class);
    }
}
