package reluflow.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import reluflow.avro.DeadLetter;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;
import reluflow.avro.TensorType;

/**
 * The schemas are a contract other teams code against: every record type must stay readable both
 * ways against the last released schemas (src/test/resources/released/VERSION, frozen at release),
 * so producers and consumers already in the field keep working.
 */
class SchemaCompatibilityTest {
    private static final String RELEASED = "/released/0.1.0/";
    private static final List<String> TOP_LEVEL = List.of("Frame", "FrameDetections", "SparsityReport", "DeadLetter");

    static Stream<String> recordTypes() {
        return TOP_LEVEL.stream();
    }

    @ParameterizedTest
    @MethodSource("recordTypes")
    void currentSchemaReadsWhatTheReleasedSchemaWroteAndViceVersa(String type) throws IOException {
        Schema released = releasedSchema(type);
        Schema current = currentSchema(type);
        assertCompatible("backward (new reader, old writer)", current, released);
        assertCompatible("forward (old reader, new writer)", released, current);
    }

    @Test
    void theCheckRejectsABreakingChange() throws IOException {
        Schema released = releasedSchema("Frame");
        // Renaming a field without an alias is the classic break: old records no longer fill it.
        Schema broken = parseAll(file -> file.equals("Frame.avsc")
                ? current(file).replace("\"sensor_id\"", "\"sensor\"")
                : current(file)).get("reluflow.avro.Frame");
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(broken, released).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    @Test
    void generatedClassesUseTheSchemasInThisModule() throws IOException {
        for (Schema generated : List.of(Frame.getClassSchema(), FrameDetections.getClassSchema(),
                SparsityReport.getClassSchema(), DeadLetter.getClassSchema())) {
            assertThat(SchemaNormalization.parsingFingerprint64(generated))
                    .as(generated.getName())
                    .isEqualTo(SchemaNormalization.parsingFingerprint64(currentSchema(generated.getName())));
        }
    }

    @Test
    void singleObjectEncodingCarriesTheWriterFingerprint() throws IOException {
        Frame frame = Frame.newBuilder()
                .setSensorId("cam-1").setFrameId(7).setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                .setShape(List.of(2)).setDtype(TensorType.UINT8).setData(ByteBuffer.wrap(new byte[] {1, 2}))
                .setAttributes(Map.of("label", "3"))
                .build();
        ByteBuffer encoded = frame.toByteBuffer();
        // Spec: marker C3 01, then the CRC-64-AVRO fingerprint of the writer schema, little-endian.
        assertThat(encoded.get(0)).isEqualTo((byte) 0xC3);
        assertThat(encoded.get(1)).isEqualTo((byte) 0x01);
        long fingerprint = encoded.duplicate().order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong(2);
        assertThat(fingerprint).isEqualTo(SchemaNormalization.parsingFingerprint64(Frame.getClassSchema()));
        assertThat(Frame.fromByteBuffer(encoded)).isEqualTo(frame);
    }

    private static void assertCompatible(String direction, Schema reader, Schema writer) {
        SchemaCompatibility.SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        assertThat(result.getType())
                .as("%s %s: %s", reader.getName(), direction, result.getResult().getIncompatibilities())
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static Schema releasedSchema(String type) throws IOException {
        return parseAll(name -> {
            try (InputStream in = SchemaCompatibilityTest.class.getResourceAsStream(RELEASED + name)) {
                return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }).get("reluflow.avro." + type);
    }

    private static Schema currentSchema(String type) throws IOException {
        return parseAll(SchemaCompatibilityTest::current).get("reluflow.avro." + type);
    }

    private static String current(String file) throws IOException {
        return Files.readString(Path.of("src/main/avro", file));
    }

    private interface Source {
        String read(String file) throws IOException;
    }

    /** Shared named types first, so records that reference them parse. */
    private static Map<String, Schema> parseAll(Source source) throws IOException {
        Schema.Parser parser = new Schema.Parser();
        Map<String, Schema> byName = new java.util.HashMap<>();
        for (String file : List.of("TensorType.avsc", "ModelIdentity.avsc", "BoundingBox.avsc", "Detection.avsc", "ErrorKind.avsc",
                "Frame.avsc", "FrameDetections.avsc", "SparsityReport.avsc", "DeadLetter.avsc")) {
            Schema schema = parser.parse(source.read(file));
            byName.put(schema.getFullName(), schema);
        }
        return byName;
    }
}
