package reluflow.cli.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Sends that failed after the producer's own retries: counted, and the first ones kept with what and why. */
final class SendFailures {
    static final int LISTED = 20;

    private final AtomicLong count = new AtomicLong();
    private final List<String> listed = new ArrayList<>();

    void add(String what, Exception error) {
        count.incrementAndGet();
        synchronized (listed) {
            if (listed.size() < LISTED) {
                listed.add(what + ": " + RecordType.describeFailure(error));
            }
        }
    }

    long count() {
        return count.get();
    }

    List<String> listed() {
        synchronized (listed) {
            return List.copyOf(listed);
        }
    }
}
