package reluflow.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.execution.SuppressRestartsException;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.ExceptionUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.engine.EngineException;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.job.config.JobConfig;
import reluflow.job.source.FrameDecoder;
import reluflow.job.source.SourceRecord;

/**
 * A model that goes bad on a TaskManager after the client-side check passed (the file is replaced
 * while the job runs, then a TaskManager is lost): the restart cannot open the model, and the job
 * must fail at once with the engine's message instead of restarting over and over.
 */
class ModelFailureTest {
    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(1).build());

    /** Far longer than a suppressed failure needs; a job that kept restarting would still be RESTARTING/RUNNING then. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aModelCorruptedBeforeARestartFailsTheJobWithTheMessage(@InjectMiniCluster MiniCluster miniCluster) throws Exception {
        Path model = JobTestSupport.mlpModel(dir);
        // Many attempts 200 ms apart: without the suppression the job would still be restarting when WAIT ends.
        JobConfig config = JobTestSupport.config(model, "delivery.guarantee", "AT_LEAST_ONCE", "checkpoint.interval", "0 s",
                "parallelism", "1", "batch.max-wait", "5 ms",
                "flink.restart-strategy.type", "fixed-delay",
                "flink.restart-strategy.fixed-delay.attempts", "1000",
                "flink.restart-strategy.fixed-delay.delay", "200 ms");
        EndlessFramesIO io = new EndlessFramesIO();
        JobClient job = ReluflowJob.start(ReluflowJob.environment(config), config, io);
        try {
            awaitDetections(io, 20);
            byte[] garbage = new byte[512];
            Arrays.fill(garbage, (byte) 0xFF);
            Files.write(model, garbage);
            miniCluster.terminateTaskManager(0).get();
            miniCluster.startTaskManager();

            try {
                job.getJobExecutionResult().get(WAIT.toSeconds(), TimeUnit.SECONDS);
                fail("the job finished although its model is corrupt");
            } catch (TimeoutException e) {
                fail("the job did not fail within " + WAIT + " (status " + job.getJobStatus().get() + "): the restarts were not suppressed");
            } catch (ExecutionException e) {
                assertThat(ExceptionUtils.findThrowable(e, SuppressRestartsException.class)).as("suppressed restart").isPresent();
                EngineException cause = ExceptionUtils.findThrowable(e, EngineException.class).orElseThrow(() -> e);
                assertThat(cause.getMessage()).startsWith("Model file " + model + " is not an ONNX model (protobuf parse failed");
            }
            assertThat(job.getJobStatus().get()).isEqualTo(JobStatus.FAILED);
            // One restart (the lost TaskManager); the bad model then ended the job instead of a second, third, ... attempt.
            assertThat(miniCluster.getExecutionGraph(job.getJobID()).get().getStatusTimestamp(JobStatus.RESTARTING))
                    .as("the job restarted once after losing the TaskManager").isPositive();
        } finally {
            if (!job.getJobStatus().get().isGloballyTerminalState()) {
                job.cancel().get();
            }
        }
    }

    private static void awaitDetections(EndlessFramesIO io, int count) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (io.detections.results().size() < count) {
            if (System.nanoTime() > deadline) {
                fail("no " + count + " detections within " + WAIT + "; got " + io.detections.results().size());
            }
            Thread.sleep(50);
        }
    }

    /** Valid frames for ever, 200 a second, so the job is running when the model goes bad. */
    private static final class EndlessFramesIO implements PipelineIO {
        final CollectingSink<FrameDetections> detections = new CollectingSink<>("model-failure-detections-" + System.nanoTime());
        final CollectingSink<SparsityReport> sparsity = new CollectingSink<>("model-failure-sparsity-" + System.nanoTime());
        final CollectingSink<DeadLetter> deadLetters = new CollectingSink<>("model-failure-dead-" + System.nanoTime());

        @Override
        public Source<SourceRecord, ?, ?> frames() {
            ArrayList<byte[]> values = new ArrayList<>();
            SyntheticFrames.generate(DemoModelKind.MLP, 64, 5L, 4, 1_700_000_000_000L, 10L)
                    .forEach(f -> values.add(JobTestSupport.encode(f)));
            GeneratorFunction<Long, SourceRecord> decode =
                    offset -> FrameDecoder.decode("frames", 0, offset, null, values.get((int) (offset % values.size())));
            return new DataGeneratorSource<>(decode, Long.MAX_VALUE, RateLimiterStrategy.perSecond(200), TypeInformation.of(SourceRecord.class));
        }

        @Override
        public Sink<FrameDetections> detections() {
            return detections;
        }

        @Override
        public Sink<SparsityReport> sparsity() {
            return sparsity;
        }

        @Override
        public Sink<DeadLetter> deadLetters() {
            return deadLetters;
        }
    }
}
