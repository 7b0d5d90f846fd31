package reluflow.cli.replay;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/** Inputs skipped by an import (a file, a row, a range of rows), each with its reason. */
final class ImportLog {
    static final int LISTED = 100;

    private final List<String> listed = new ArrayList<>();
    private long skipped;

    /** One bad input, or {@code count} of them under one entry (e.g. the rows after a truncation). */
    void skip(String where, String reason, long count) {
        skipped += count;
        if (listed.size() < LISTED) {
            listed.add(where + ": " + reason);
        }
    }

    void skip(String where, String reason) {
        skip(where, reason, 1);
    }

    long skipped() {
        return skipped;
    }

    void print(PrintWriter out, String unit) {
        out.printf("Skipped %d bad %s%s%n", skipped, unit, skipped == 0 ? "" : ":");
        listed.forEach(l -> out.println("  " + l));
        if (listed.size() == LISTED && skipped > LISTED) {
            out.println("  ... (only the first " + LISTED + " listed)");
        }
    }
}
