package reluflow.cli.replay;

import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Where recording starts: the earliest offset, the end (only new records), or the first record at or after a time. */
public record StartPosition(Kind kind, Instant time) {
    public enum Kind { EARLIEST, LATEST, TIME }

    static final StartPosition EARLIEST = new StartPosition(Kind.EARLIEST, null);
    static final StartPosition LATEST = new StartPosition(Kind.LATEST, null);

    @Override
    public String toString() {
        return kind == Kind.TIME ? time.toString() : kind.name().toLowerCase(Locale.ROOT);
    }

    public static final class Converter implements ITypeConverter<StartPosition> {
        @Override
        public StartPosition convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.equals("earliest")) {
                return EARLIEST;
            }
            if (v.equals("latest")) {
                return LATEST;
            }
            try {
                return new StartPosition(Kind.TIME, TimeArg.parse(value));
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("expected earliest, latest or a time: " + e.getMessage());
            }
        }
    }
}
