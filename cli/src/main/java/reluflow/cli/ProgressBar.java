package reluflow.cli;

import java.io.PrintWriter;

/** A one-line progress bar on the terminal: done/total, rate and ETA, redrawn at most 10 times a second. */
public final class ProgressBar {
    private static final int WIDTH = 30;
    private final PrintWriter out;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private long lastDraw;

    public ProgressBar(PrintWriter out, String label, long total) {
        this.out = out;
        this.label = label;
        this.total = total;
    }

    public void update(long done) {
        long now = System.nanoTime();
        if (done < total && now - lastDraw < 100_000_000L) {
            return;
        }
        lastDraw = now;
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        int filled = (int) (WIDTH * done / Math.max(1, total));
        String eta = done >= total || rate <= 0 ? "" : String.format(" ETA %.0fs", (total - done) / rate);
        out.printf("\r%s [%s%s] %d/%d %.0f/s%s   ", label, "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, rate, eta);
        if (done >= total) {
            out.println();
        }
        out.flush();
    }
}
