package reluflow.cli.replay;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.specific.SpecificRecord;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import reluflow.avro.DeadLetter;
import reluflow.avro.Frame;
import reluflow.avro.FrameDetections;
import reluflow.avro.SparsityReport;

/** Which record a topic carries (Avro single-object encoding), and how to decode its values. */
public enum RecordType {
    FRAME("frame", Frame.class) {
        @Override
        SpecificRecord decode(byte[] value) throws IOException {
            return Frame.getDecoder().decode(value);
        }
    },
    DETECTIONS("detections", FrameDetections.class) {
        @Override
        SpecificRecord decode(byte[] value) throws IOException {
            return FrameDetections.getDecoder().decode(value);
        }
    },
    SPARSITY("sparsity", SparsityReport.class) {
        @Override
        SpecificRecord decode(byte[] value) throws IOException {
            return SparsityReport.getDecoder().decode(value);
        }
    },
    DEAD_LETTER("dead-letter", DeadLetter.class) {
        @Override
        SpecificRecord decode(byte[] value) throws IOException {
            return DeadLetter.getDecoder().decode(value);
        }
    };

    private final String optionName;
    private final Class<? extends SpecificRecord> recordClass;

    RecordType(String optionName, Class<? extends SpecificRecord> recordClass) {
        this.optionName = optionName;
        this.recordClass = recordClass;
    }

    /** Decodes one Kafka value; throws for anything that is not this record (a wrong schema, garbage, truncation). */
    abstract SpecificRecord decode(byte[] value) throws IOException;

    Class<? extends SpecificRecord> recordClass() {
        return recordClass;
    }

    String optionName() {
        return optionName;
    }

    /** Why a value could not be decoded, as one line. */
    static String describeFailure(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Accepts frame, detections, sparsity, dead-letter (any case; plural and underscore forms too). */
    public static final class Converter implements ITypeConverter<RecordType> {
        @Override
        public RecordType convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT).replace('_', '-');
            for (RecordType type : values()) {
                if (v.equals(type.optionName) || v.equals(type.optionName + "s")) {
                    return type;
                }
            }
            throw new TypeConversionException("'" + value + "' is not a record type; expected one of "
                    + Arrays.stream(values()).map(t -> t.optionName).toList());
        }
    }
}
