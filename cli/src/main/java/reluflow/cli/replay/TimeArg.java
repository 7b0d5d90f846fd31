package reluflow.cli.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A point in time given on the command line: epoch milliseconds, or ISO-8601
 * ({@code 2026-01-31T12:00:00Z}, with an offset, or local date-time / date in the system time zone).
 */
public final class TimeArg implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** @throws IllegalArgumentException saying what was expected */
    public static Instant parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.matches("-?\\d+")) {
            try {
                return Instant.ofEpochMilli(Long.parseLong(value));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is out of range for epoch milliseconds");
            }
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return ZonedDateTime.parse(value).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(value).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException ignored) {
            // try the next form
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException ignored) {
            throw new IllegalArgumentException("'" + text + "' is not a time: give epoch milliseconds or ISO-8601 such as 2026-01-31T12:00:00Z");
        }
    }
}
