package reluflow.cli.replay;

import java.io.PrintWriter;

/** A one-line progress counter for work of unknown size: records, bytes and rate, redrawn at most 10 times a second. */
final class CounterLine {
    private final PrintWriter out;
    private final String label;
    private final long start = System.nanoTime();
    private long lastDraw;
    private boolean drawn;

    CounterLine(PrintWriter out, String label) {
        this.out = out;
        this.label = label;
    }

    void update(long records, long bytes) {
        long now = System.nanoTime();
        if (drawn && now - lastDraw < 100_000_000L) {
            return;
        }
        draw(records, bytes, now);
    }

    /** Draws the final figures and ends the line. */
    void finish(long records, long bytes) {
        draw(records, bytes, System.nanoTime());
        out.println();
        out.flush();
    }

    private void draw(long records, long bytes, long now) {
        lastDraw = now;
        drawn = true;
        out.printf("\r%s: %d records, %s, %.0f records/s   ", label, records, Sizes.bytes(bytes),
                Sizes.perSecond(records, now - start));
        out.flush();
    }
}
