package reluflow.cli.replay;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Replay speed: a factor over the original event-time spacing (1.0 = as recorded), or max (no waiting). */
public record Speed(double factor) {
    static final Speed MAX = new Speed(Double.POSITIVE_INFINITY);

    boolean isMax() {
        return Double.isInfinite(factor);
    }

    @Override
    public String toString() {
        return isMax() ? "max" : Double.toString(factor);
    }

    public static final class Converter implements ITypeConverter<Speed> {
        @Override
        public Speed convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            if (v.equals("max")) {
                return MAX;
            }
            double factor;
            try {
                factor = Double.parseDouble(v.endsWith("x") ? v.substring(0, v.length() - 1) : v);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not a speed: give a factor such as 1.0 or 10, or max");
            }
            if (!(factor > 0) || Double.isNaN(factor)) {
                throw new TypeConversionException("speed must be > 0 (or max), got " + value);
            }
            return Double.isInfinite(factor) ? MAX : new Speed(factor);
        }
    }
}
