package reluflow.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.DeadLetter;
import reluflow.avro.ErrorKind;
import reluflow.avro.Frame;
import reluflow.cli.Main;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.SyntheticFrames;
import reluflow.engine.io.AvroContainerFiles;
import reluflow.kafka.KafkaBroker;

/** record and replay against a real in-process Kafka broker (KRaft). */
class RecordReplayTest {
    private static KafkaBroker kafka;

    @TempDir
    Path dir;

    @BeforeAll
    static void startKafka() {
        kafka = KafkaBroker.start(KafkaBroker.Settings.defaults());
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String topic(String name, int partitions) {
        kafka.createTopics(Map.of(name, partitions));
        return name;
    }

    @Test
    void replayedFramesRecordBackWithTheirContentsPerSensorOrderAndSpacing() throws Exception {
        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, 60, 3L, 3, 1_000_000L, 25L);
        Path file = dir.resolve("frames.avro");
        AvroContainerFiles.write(file, Frame.class, frames.iterator());
        String topic = topic("round-trip", 3);

        long before = System.currentTimeMillis();
        Cli.Result replay = Cli.run("replay", "--in", file.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                "--speed", "20", "--rewrite-time");
        long after = System.currentTimeMillis();
        assertThat(replay.exitCode()).as(replay.all()).isZero();
        assertThat(replay.out()).contains("Replayed 60 frames from 1 file x 1 loop", "Sent 60 of 60, delivered 60, failed 0",
                "achieved");
        assertThat(replay.err()).contains("Replaying [", "60/60");

        Path recorded = dir.resolve("recorded.avro");
        Cli.Result record = Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", topic, "--out", recorded.toString());
        assertThat(record.exitCode()).as(record.all()).isZero();
        assertThat(record.out()).contains("Recorded 60 frame records from topic round-trip (3 partitions, from earliest)",
                "Stopped: caught up with the end offsets captured at start", "Undecodable: 0");
        assertThat(record.err()).contains("Recording round-trip: 60 records");

        // A standard container file: Avro's generic reader sees the Frame schema from the header.
        try (DataFileReader<GenericRecord> generic = new DataFileReader<>(recorded.toFile(), new GenericDatumReader<>())) {
            assertThat(generic.getSchema().getFullName()).isEqualTo("reluflow.avro.Frame");
            long count = 0;
            while (generic.hasNext()) {
                generic.next();
                count++;
            }
            assertThat(count).isEqualTo(60);
        }

        List<Frame> back = read(recorded, Frame.class);
        Map<String, List<Long>> sentOrder = frames.stream().collect(Collectors.groupingBy(Frame::getSensorId, LinkedHashMap::new,
                Collectors.mapping(Frame::getFrameId, Collectors.toList())));
        Map<String, List<Long>> recordedOrder = back.stream().collect(Collectors.groupingBy(Frame::getSensorId, LinkedHashMap::new,
                Collectors.mapping(Frame::getFrameId, Collectors.toList())));
        assertThat(recordedOrder).isEqualTo(sentOrder);

        Map<Long, Frame> original = frames.stream().collect(Collectors.toMap(Frame::getFrameId, f -> f));
        long shift = back.get(0).getEventTime().toEpochMilli() - original.get(back.get(0).getFrameId()).getEventTime().toEpochMilli();
        for (Frame f : back) {
            Frame o = original.get(f.getFrameId());
            assertThat(f.getSensorId()).isEqualTo(o.getSensorId());
            assertThat(f.getShape()).isEqualTo(o.getShape());
            assertThat(f.getDtype()).isEqualTo(o.getDtype());
            assertThat(f.getData()).isEqualTo(o.getData());
            assertThat(f.getAttributes()).isEqualTo(o.getAttributes());
            // --rewrite-time: one shift for all frames, so the recorded spacing is the original spacing.
            assertThat(f.getEventTime().toEpochMilli() - o.getEventTime().toEpochMilli()).isEqualTo(shift);
        }
        long firstRewritten = original.get(0L).getEventTime().toEpochMilli() + shift;
        assertThat(firstRewritten).isBetween(before, after);
    }

    @Test
    void aFolderReplaysInNameOrderWithLoopsAndRecordStopsAtMaxUntilAndFrom() throws Exception {
        List<Frame> frames = SyntheticFrames.generate(DemoModelKind.MLP, 10, 4L, 1, 5_000L, 10L);
        Path folder = dir.resolve("in");
        AvroContainerFiles.write(folder.resolve("b-second.avro"), Frame.class, frames.subList(5, 10).iterator());
        AvroContainerFiles.write(folder.resolve("a-first.avro"), Frame.class, frames.subList(0, 5).iterator());
        Files.writeString(folder.resolve("notes.txt"), "not replayed");
        String topic = topic("folder", 1);

        Cli.Result replay = Cli.run("replay", "--in", folder.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                "--speed", "max", "--loop", "2", "--rate", "2000");
        assertThat(replay.exitCode()).as(replay.all()).isZero();
        assertThat(replay.out()).contains("Replayed 20 frames from 2 files x 2 loops", "Sent 20 of 20, delivered 20, failed 0");

        Path all = dir.resolve("all.avro");
        assertThat(Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", topic, "--out", all.toString()).exitCode()).isZero();
        assertThat(read(all, Frame.class).stream().map(Frame::getFrameId).toList())
                .containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);

        Cli.Result max = Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", topic, "--out",
                dir.resolve("max.avro").toString(), "--max", "7");
        assertThat(max.exitCode()).as(max.all()).isZero();
        assertThat(max.out()).contains("Recorded 7 frame records", "Stopped: reached --max");
        assertThat(read(dir.resolve("max.avro"), Frame.class)).hasSize(7);

        // --until and --from go by record timestamp (the producer's send time).
        String timed = topic("timed", 1);
        Cli.run("replay", "--in", folder.resolve("a-first.avro").toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", timed,
                "--speed", "max");
        Thread.sleep(200);
        long between = System.currentTimeMillis();
        Thread.sleep(200);
        Cli.run("replay", "--in", folder.resolve("b-second.avro").toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", timed,
                "--speed", "max");

        Cli.Result until = Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", timed, "--out",
                dir.resolve("until.avro").toString(), "--until", Long.toString(between));
        assertThat(until.exitCode()).as(until.all()).isZero();
        assertThat(until.out()).contains("Recorded 5 frame records", "Stopped: passed --until on every partition");
        assertThat(read(dir.resolve("until.avro"), Frame.class).stream().map(Frame::getFrameId).toList()).containsExactly(0L, 1L, 2L, 3L, 4L);

        Cli.Result from = Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", timed, "--out",
                dir.resolve("from.avro").toString(), "--from", java.time.Instant.ofEpochMilli(between).toString(), "--type", "frame");
        assertThat(from.exitCode()).as(from.all()).isZero();
        assertThat(read(dir.resolve("from.avro"), Frame.class).stream().map(Frame::getFrameId).toList()).containsExactly(5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void deadLettersAreReplayedStraightFromTheirTopic() throws Exception {
        byte[] garbage = "not a frame".getBytes(StandardCharsets.UTF_8);
        byte[] valid = bytes(SyntheticFrames.frame(DemoModelKind.MLP, 1, 1L, 1, 0L, 0L).toByteBuffer());
        String deadLetters = topic("dead-letters-in", 1);
        Properties props = new Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                props, new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            for (DeadLetter letter : List.of(letter("sensor-3".getBytes(StandardCharsets.UTF_8), garbage, ErrorKind.DESERIALIZATION, 4),
                    letter(null, valid, ErrorKind.INFERENCE_ERROR, 5))) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(deadLetters, null, bytes(letter.toByteBuffer()))).get();
            }
        }
        String fixed = topic("fixed-from-topic", 1);

        Cli.Result replay = Cli.run("replay", "--from-dead-letter-topic", deadLetters, "--bootstrap", kafka.bootstrapServers(), "--topic", fixed);
        assertThat(replay.exitCode()).as(replay.all()).isZero();
        assertThat(replay.out()).contains("Replayed 2 dead-letter values", "delivered 2, failed 0");
        List<ConsumerRecord<byte[], byte[]>> raw = consume(fixed, 2);
        assertThat(raw).extracting(ConsumerRecord::value).containsExactly(garbage, valid);
        assertThat(raw.get(0).key()).isEqualTo("sensor-3".getBytes(StandardCharsets.UTF_8));
        assertThat(raw.get(1).key()).isNull();

        Cli.Result both = Cli.run("replay", "--from-dead-letter-topic", deadLetters, "--in", "x.avro", "--bootstrap", kafka.bootstrapServers(),
                "--topic", fixed);
        assertThat(both.exitCode()).isEqualTo(reluflow.cli.Main.EXIT_CONFIG);
        assertThat(both.err()).contains("Give exactly one of --in FILE|DIR and --from-dead-letter-topic TOPIC");
    }

    @Test
    void deadLetterReplayRepublishesTheOriginalBytesWithTheOriginalKeys() throws Exception {
        Frame frame = SyntheticFrames.frame(DemoModelKind.MLP, 0, 1L, 1, 0L, 0L);
        byte[] valid = bytes(frame.toByteBuffer());
        byte[] truncated = java.util.Arrays.copyOf(valid, valid.length / 2);
        byte[] garbage = "garbage, not a frame".getBytes(StandardCharsets.UTF_8);
        List<DeadLetter> letters = List.of(
                letter("sensor-9".getBytes(StandardCharsets.UTF_8), garbage, ErrorKind.DESERIALIZATION, 11),
                letter("sensor-1".getBytes(StandardCharsets.UTF_8), truncated, ErrorKind.DESERIALIZATION, 12),
                letter(null, valid, ErrorKind.INFERENCE_ERROR, 13));
        Path file = dir.resolve("dead-letters.avro");
        AvroContainerFiles.write(file, DeadLetter.class, letters.iterator());
        String topic = topic("fixed", 1);

        Cli.Result replay = Cli.run("replay", "--in", file.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                "--rewrite-time");
        assertThat(replay.exitCode()).as(replay.all()).isZero();
        assertThat(replay.out()).contains("Replayed 3 dead-letter values", "delivered 3, failed 0");
        assertThat(replay.err()).contains("--rewrite-time does not apply to dead letters");

        List<ConsumerRecord<byte[], byte[]>> raw = consume(topic, 3);
        assertThat(raw).hasSize(3);
        assertThat(raw.get(0).key()).isEqualTo("sensor-9".getBytes(StandardCharsets.UTF_8));
        assertThat(raw.get(0).value()).isEqualTo(garbage);
        assertThat(raw.get(1).key()).isEqualTo("sensor-1".getBytes(StandardCharsets.UTF_8));
        assertThat(raw.get(1).value()).isEqualTo(truncated);
        assertThat(raw.get(2).key()).isNull();
        assertThat(raw.get(2).value()).isEqualTo(valid);

        // Recording that topic as frames: the two that are not frames are counted and listed, not silently dropped.
        Path recorded = dir.resolve("fixed.avro");
        Cli.Result record = Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", topic, "--out", recorded.toString(),
                "--type", "frame");
        assertThat(record.exitCode()).as(record.all()).isZero();
        assertThat(record.out()).contains("Recorded 1 frame records", "Read 3 records", "Undecodable: 2 (counted, not written)",
                "partition 0 offset 0: not a Frame", "partition 0 offset 1: not a Frame");
        assertThat(read(recorded, Frame.class)).containsExactly(frame);
    }

    @Test
    void aSendThatStillFailsIsReportedAndCountedAndTheExitCodeIs1() throws Exception {
        List<Frame> frames = new ArrayList<>(SyntheticFrames.generate(DemoModelKind.MLP, 4, 2L, 2, 0L, 10L));
        ByteBuffer huge = ByteBuffer.allocate(2 * 1024 * 1024);
        frames.set(2, Frame.newBuilder(frames.get(2)).setShape(List.of(huge.capacity() / 4)).setData(huge).build());
        Path file = dir.resolve("with-huge.avro");
        AvroContainerFiles.write(file, Frame.class, frames.iterator());
        String topic = topic("too-large", 1);

        Cli.Result replay = Cli.run("replay", "--in", file.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", topic,
                "--speed", "max");
        assertThat(replay.exitCode()).as(replay.all()).isEqualTo(1);
        assertThat(replay.out()).contains("Sent 4 of 4, delivered 3, failed 1", "Failed sends (after the producer's retries): 1",
                "sensor-0 frame 2 (with-huge.avro record 2): RecordTooLargeException");
        assertThat(consume(topic, 3)).hasSize(3);
    }

    @Test
    void missingTopicsAndFilesAreUserErrors() throws Exception {
        Path file = dir.resolve("frames.avro");
        AvroContainerFiles.write(file, Frame.class, SyntheticFrames.generate(DemoModelKind.MLP, 2, 1L, 1, 0L, 10L).iterator());
        Cli.Result replay = Cli.run("replay", "--in", file.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "nope");
        assertThat(replay.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(replay.err()).contains("Topic nope does not exist");

        Cli.Result record = Cli.run("record", "--bootstrap", kafka.bootstrapServers(), "--topic", "nope", "--out",
                dir.resolve("x.avro").toString());
        assertThat(record.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(record.err()).contains("Topic nope does not exist");

        Cli.Result missing = Cli.run("replay", "--in", dir.resolve("none.avro").toString(), "--bootstrap", kafka.bootstrapServers(),
                "--topic", "nope");
        assertThat(missing.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(missing.err()).contains("none.avro does not exist");

        Path detections = dir.resolve("detections.avro");
        AvroContainerFiles.write(detections, reluflow.avro.FrameDetections.class, java.util.Collections.emptyIterator());
        Cli.Result wrongKind = Cli.run("replay", "--in", detections.toString(), "--bootstrap", kafka.bootstrapServers(), "--topic", "x");
        assertThat(wrongKind.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(wrongKind.err()).contains("holds reluflow.avro.FrameDetections records");

        assertThat(Cli.run("replay", "--in", file.toString(), "--bootstrap", "b", "--topic", "t", "--speed", "fast").err())
                .contains("not a speed");
        assertThat(Cli.run("record", "--bootstrap", "b", "--topic", "t", "--out", "o.avro", "--from", "yesterday").err())
                .contains("expected earliest, latest or a time");
    }

    private static DeadLetter letter(byte[] key, byte[] value, ErrorKind kind, long offset) {
        return DeadLetter.newBuilder()
                .setSourceTopic("frames")
                .setPartition(0)
                .setOffset(offset)
                .setKey(key == null ? null : ByteBuffer.wrap(key))
                .setValue(ByteBuffer.wrap(value))
                .setErrorKind(kind)
                .setErrorMessage("test")
                .setFailedAt(java.time.Instant.ofEpochMilli(1000))
                .build();
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(Path file, Class<T> type) throws IOException {
        List<T> out = new ArrayList<>();
        try (AvroContainerFiles.Reader<T> reader = AvroContainerFiles.reader(file, type)) {
            reader.forEachRemaining(out::add);
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Reads a one-partition topic from the start as a plain consumer would. */
    private static List<ConsumerRecord<byte[], byte[]>> consume(String topic, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 30_000;
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
