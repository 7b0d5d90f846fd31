package reluflow.cli.replay;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import reluflow.avro.DeadLetter;
import reluflow.avro.Frame;
import reluflow.cli.ProgressBar;
import reluflow.engine.io.AvroContainerFiles;

/**
 * Publishes the records of container files in order: Frames keyed by sensor id (event times kept or shifted),
 * DeadLetters as their original key and value bytes (the fix-and-replay path). One producer, records sent
 * in file order, so each sensor's (each key's) order is kept.
 */
final class Replayer {
    /** How a replay runs. */
    record Settings(Speed speed, double rate, int loops, boolean rewriteTime) {
    }

    /** What a replay did. */
    record Result(long sent, long delivered, long failed, List<String> failures, long unreadable, boolean interrupted,
                  long nanos) {
    }

    private final Settings settings;
    private final ReplayProducer producer;
    private final PrintWriter err;

    Replayer(Settings settings, ReplayProducer producer, PrintWriter err) {
        this.settings = settings;
        this.producer = producer;
        this.err = err;
    }

    Result run(List<ReplayInput.InputFile> files, ShutdownSignal shutdown) {
        long perLoop = files.stream().mapToLong(ReplayInput.InputFile::records).sum();
        long total = perLoop * settings.loops();
        ProgressBar progress = new ProgressBar(err, "Replaying", total);
        Pacer pacer = new Pacer(settings.speed(), settings.rate(), shutdown::requested);
        long start = System.nanoTime();
        long sent = 0;
        long unreadable = 0;
        boolean interrupted = false;
        outer:
        for (int loop = 1; loop <= settings.loops(); loop++) {
            for (ReplayInput.InputFile file : files) {
                pacer.startSegment();
                Long shift = null;
                try (AvroContainerFiles.Reader<?> reader = file.kind() == ReplayInput.Kind.FRAMES
                        ? AvroContainerFiles.reader(file.path(), Frame.class) : AvroContainerFiles.reader(file.path(), DeadLetter.class)) {
                    long index = 0;
                    while (reader.hasNext()) {
                        Object record = reader.next();
                        String where = file.path().getFileName() + " record " + index++ + (settings.loops() > 1 ? " (loop " + loop + ")" : "");
                        if (record instanceof Frame frame) {
                            long eventMillis = frame.getEventTime().toEpochMilli();
                            if (!pacer.awaitTurn(eventMillis)) {
                                interrupted = true;
                                break outer;
                            }
                            if (settings.rewriteTime()) {
                                if (shift == null) {
                                    shift = System.currentTimeMillis() - eventMillis;
                                }
                                frame = Frame.newBuilder(frame).setEventTime(Instant.ofEpochMilli(eventMillis + shift)).build();
                            }
                            producer.send(frame.getSensorId().getBytes(StandardCharsets.UTF_8), bytes(frame.toByteBuffer()),
                                    "sensor " + frame.getSensorId() + " frame " + frame.getFrameId() + " (" + where + ")");
                        } else {
                            DeadLetter letter = (DeadLetter) record;
                            if (!pacer.awaitTurn(null)) {
                                interrupted = true;
                                break outer;
                            }
                            producer.send(bytes(letter.getKey()), bytes(letter.getValue()),
                                    "dead letter of " + letter.getSourceTopic() + "/" + letter.getPartition() + "@" + letter.getOffset()
                                            + " (" + where + ")");
                        }
                        sent++;
                        progress.update(sent);
                    }
                } catch (IOException | RuntimeException e) {
                    // A damaged file: say where it stopped; everything before was sent.
                    unreadable++;
                    err.println();
                    err.println("reluflow: reading " + file.path() + " failed after some records: " + RecordType.describeFailure(e));
                }
            }
        }
        if (sent < total) {
            err.println();
        }
        err.flush();
        producer.flush();
        return new Result(sent, producer.delivered(), producer.failures().count(), producer.failures().listed(), unreadable,
                interrupted, System.nanoTime() - start);
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
