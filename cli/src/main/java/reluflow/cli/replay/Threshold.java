package reluflow.cli.replay;

import java.util.Locale;

/**
 * One limit given on the compare command line and how the comparison stands against it.
 *
 * @param actual the measured figure, null when there was nothing to measure (then it is not exceeded)
 * @param upper true when the figure must not exceed the limit, false when it must not fall below it
 */
record Threshold(String what, String option, Double actual, double limit, boolean upper, String noData) {

    boolean exceeded() {
        return actual != null && (upper ? actual > limit : actual < limit);
    }

    String describe() {
        if (actual == null) {
            return String.format(Locale.ROOT, "%-34s limit %s (%s): not checked, %s", what, fmt(limit), option, noData);
        }
        return String.format(Locale.ROOT, "%-34s %s %s %s (%s): %s", what, fmt(actual), exceeded() ? (upper ? ">" : "<") : (upper ? "<=" : ">="),
                fmt(limit), option, exceeded() ? "EXCEEDED" : "ok");
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
