package reluflow.job.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.io.AvroContainerFiles;
import reluflow.job.JobTestSupport;
import reluflow.job.RecordsIOAccess;
import reluflow.job.ReluflowJob;
import reluflow.job.config.JobConfig;

/**
 * The bounded job over a recorded file (batch execution) gives the same records as the streaming
 * job over the same frames: detections, dead letters and event-time sparsity windows, record by record.
 */
class FileRunTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    Path dir;

    @Test
    void batchOverFilesEqualsStreamingRecordByRecord() throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        List<Frame> frames = new ArrayList<>(SyntheticFrames.generate(DemoModelKind.MLP, 900, 21L, 3, 1_700_000_000_000L, 7L));
        for (int i = 100; i < frames.size(); i += 150) {
            frames.set(i, Frame.newBuilder(frames.get(i)).setShape(List.of(63)).build());
        }
        Path recording = dir.resolve("recording.avro");
        AvroContainerFiles.write(recording, Frame.class, frames.iterator());
        JobConfig config = JobTestSupport.config(model, "delivery.guarantee", "AT_LEAST_ONCE", "checkpoint.interval", "0 s",
                "sparsity.window", "2 s", "sparsity.per-sensor", "true", "sparsity.sample-rate", "0.5", "parallelism", "2");

        Path out = dir.resolve("out");
        StreamExecutionEnvironment batch = StreamExecutionEnvironment.getExecutionEnvironment();
        batch.setRuntimeMode(RuntimeExecutionMode.BATCH);
        ReluflowJob.start(batch, config, new FilePipelineIO(List.of(recording.toString()), out.toString())).getJobExecutionResult().get();
        List<FrameDetections> batchDetections = PartFiles.merge(out, FilePipelineIO.DETECTIONS, FrameDetections.class, BY_FRAME);
        List<SparsityReport> batchReports = PartFiles.merge(out, FilePipelineIO.SPARSITY, SparsityReport.class, BY_WINDOW);
        List<DeadLetter> batchDead = PartFiles.merge(out, FilePipelineIO.DEAD_LETTERS, DeadLetter.class, BY_OFFSET);

        List<byte[]> values = frames.stream().map(JobTestSupport::encode).toList();
        RecordsIOAccess streaming = new RecordsIOAccess(AvroFrameFormat.SOURCE_NAME, values);
        ReluflowJob.start(StreamExecutionEnvironment.getExecutionEnvironment(), config, streaming.io()).getJobExecutionResult().get();
        List<FrameDetections> streamDetections = sorted(streaming.detections(), BY_FRAME);
        List<SparsityReport> streamReports = sorted(streaming.sparsity(), BY_WINDOW);
        List<DeadLetter> streamDead = sorted(streaming.deadLetters(), BY_OFFSET);

        assertThat(batchDetections).hasSize(frames.size() - 6);
        assertThat(batchDead).hasSize(6).allSatisfy(d -> assertThat(d.getErrorKind()).isEqualTo(ErrorKind.SHAPE_MISMATCH));
        assertThat(batchReports).isNotEmpty();
        assertThat(batchDetections.stream().map(FileRunTest::comparable).toList())
                .isEqualTo(streamDetections.stream().map(FileRunTest::comparable).toList());
        assertThat(batchReports).isEqualTo(streamReports);
        assertThat(batchDead.stream().map(FileRunTest::comparable).toList()).isEqualTo(streamDead.stream().map(FileRunTest::comparable).toList());
        for (int i = 0; i < batchDead.size(); i++) {
            // A file holds decoded frames: the dead letter carries the frame re-encoded, equal as a Frame.
            assertThat(Frame.getDecoder().decode(batchDead.get(i).getValue())).isEqualTo(Frame.getDecoder().decode(streamDead.get(i).getValue()));
        }
    }

    private static final Comparator<FrameDetections> BY_FRAME =
            Comparator.comparing(FrameDetections::getSensorId).thenComparing(FrameDetections::getFrameId);
    private static final Comparator<SparsityReport> BY_WINDOW = Comparator.comparing(SparsityReport::getLayer)
            .thenComparing(r -> r.getSensorId() == null ? "" : r.getSensorId()).thenComparing(SparsityReport::getWindowStart);
    private static final Comparator<DeadLetter> BY_OFFSET = Comparator.comparing(DeadLetter::getOffset);

    private static <T> List<T> sorted(List<T> records, Comparator<T> order) {
        List<T> copy = new ArrayList<>(records);
        copy.sort(order);
        return copy;
    }

    /** What a run decides; when and how fast it ran (processing time, batch size, latency) legitimately differ. */
    private static FrameDetections comparable(FrameDetections d) {
        return FrameDetections.newBuilder(d).setProcessedAt(java.time.Instant.EPOCH).setBatchSize(0).setInferenceMicros(0).build();
    }

    private static DeadLetter comparable(DeadLetter d) {
        return DeadLetter.newBuilder(d).setFailedAt(java.time.Instant.EPOCH).setValue(null).build();
    }
}
