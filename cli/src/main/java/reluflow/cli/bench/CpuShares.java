package reluflow.cli.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where this process's CPU went over a measured phase, in cores: the Flink job with its MiniCluster,
 * the in-process Kafka broker, the bench's own load generator and latency reader, and the rest (garbage
 * collection, the JIT, native threads, threads that ended during the phase). On one machine the load
 * generator and the reader take cores that a deployment's producers and consumers would not, and these
 * shares say how many.
 */
final class CpuShares {
    /** Thread and Kafka client name of the paced sender; its producer's network thread carries it too. */
    static final String LOAD_GENERATOR = "reluflow-bench-load-generator";

    /** The Kafka broker's threads (KRaft, combined broker and controller), by the names Kafka 4 gives them. */
    private static final Pattern BROKER = Pattern.compile("^(data-plane-kafka|kafka-scheduler|kafka-log-cleaner|kafka-\\d+-"
            + "|group-coordinator|share-|transaction-log-manager|TxnMarkerSenderThread|ExpirationReaper|broker-\\d+-|controller-\\d+-"
            + "|quorum-controller|raft-|executor-|client-metrics-reaper|persister-|network-partition-metadata|LogDirFailureHandler"
            + "|metrics-meter-tick-thread)");

    record Cores(double flink, double broker, double bench, double other) {
        double total() {
            return flink + broker + bench + other;
        }
    }

    private record ThreadCpu(String name, long cpuNanos) {
    }

    private final Map<Long, ThreadCpu> threads;
    private final long processCpuNanos;
    private final long wallNanos;

    private CpuShares(Map<Long, ThreadCpu> threads, long processCpuNanos, long wallNanos) {
        this.threads = threads;
        this.processCpuNanos = processCpuNanos;
        this.wallNanos = wallNanos;
    }

    static CpuShares now() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<Long, ThreadCpu> threads = new HashMap<>();
        long[] ids = mx.getAllThreadIds();
        ThreadInfo[] infos = mx.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = mx.getThreadCpuTime(ids[i]);
            if (infos[i] != null && cpu >= 0) {
                threads.put(ids[i], new ThreadCpu(infos[i].getThreadName(), cpu));
            }
        }
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        return new CpuShares(threads, process, System.nanoTime());
    }

    /**
     * Cores used from {@code start} to this snapshot. {@code benchThreadId} is the thread that read the
     * results (counted as the bench's); {@code endedBenchNanos} is CPU of bench threads that ended before
     * this snapshot (the sender measures its own).
     */
    Cores since(CpuShares start, long benchThreadId, long endedBenchNanos) {
        double seconds = Math.max(1, wallNanos - start.wallNanos) / 1e9;
        long flink = 0;
        long broker = 0;
        long bench = endedBenchNanos;
        for (Map.Entry<Long, ThreadCpu> entry : threads.entrySet()) {
            ThreadCpu before = start.threads.get(entry.getKey());
            long used = entry.getValue().cpuNanos() - (before == null ? 0 : before.cpuNanos());
            String name = entry.getValue().name();
            if (entry.getKey() == benchThreadId || name.contains(LOAD_GENERATOR)) {
                bench += used;
            } else if (BROKER.matcher(name).find()) {
                broker += used;
            } else {
                flink += used;
            }
        }
        long other = processCpuNanos >= 0 && start.processCpuNanos >= 0
                ? Math.max(0, processCpuNanos - start.processCpuNanos - flink - broker - bench) : 0;
        return new Cores(flink / 1e9 / seconds, broker / 1e9 / seconds, bench / 1e9 / seconds, other / 1e9 / seconds);
    }
}
