package reluflow.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where this process's CPU went over a measured phase, in cores: the Flink job with its MiniCluster,
 * the in-process Kafka broker, the bench's own load generator and latency reader, garbage collection and
 * the JIT (the JVM's own threads, read from /proc where there is one), and the rest (native threads,
 * threads that ended during the phase). On one machine the load generator and the reader take cores
 * that a deployment's producers and consumers would not, and these shares say how many.
 */
final class CpuShares {
    /** Thread and Kafka client name of the paced sender; its producer's network thread carries it too. */
    static final String LOAD_GENERATOR = "reluflow-bench-load-generator";

    /**
     * The shortest phase whose shares are reported: one snapshot reads a hundred and more thread clocks one
     * after the other, over a millisecond or more, which over a shorter phase would skew the shares.
     */
    static final double MIN_SECONDS = 1.0;

    /** The Kafka broker's threads (KRaft, combined broker and controller), by the names Kafka 4 gives them. */
    private static final Pattern BROKER = Pattern.compile("^(data-plane-kafka|kafka-scheduler|kafka-log-cleaner|kafka-\\d+-"
            + "|group-coordinator|share-|transaction-log-manager|TxnMarkerSenderThread|ExpirationReaper|broker-\\d+-|controller-\\d+-"
            + "|quorum-controller|raft-|executor-|client-metrics-reaper|persister-|network-partition-metadata|LogDirFailureHandler"
            + "|metrics-meter-tick-thread)");

    record Cores(double flink, double broker, double bench, double gc, double jit, double other) {
        double total() {
            return flink + broker + bench + gc + jit + other;
        }
    }

    /** CPU of the JVM's garbage collector and JIT compiler threads, which the ThreadMXBean does not list. */
    private record JvmThreads(long gcNanos, long jitNanos) {
        static final JvmThreads NONE = new JvmThreads(0, 0);
        /** Linux's clock ticks per second for /proc times (USER_HZ, 100 on every common kernel). */
        private static final long TICK_NANOS = 10_000_000L;

        static JvmThreads read() {
            long gc = 0;
            long jit = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path task : tasks) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException ended) {
                        continue;
                    }
                    // "tid (comm) state ...": the name may hold spaces and parentheses, so fields count from the last ')'.
                    int open = stat.indexOf('(');
                    int close = stat.lastIndexOf(')');
                    if (open < 0 || close < open) {
                        continue;
                    }
                    String name = stat.substring(open + 1, close);
                    String[] fields = stat.substring(close + 2).split(" ");
                    long nanos = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * TICK_NANOS;
                    if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                        gc += nanos;
                    } else if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                        jit += nanos;
                    }
                }
            } catch (IOException | RuntimeException noProc) {
                return NONE;
            }
            return new JvmThreads(gc, jit);
        }
    }

    private record ThreadCpu(String name, long cpuNanos) {
    }

    private final Map<Long, ThreadCpu> threads;
    private final JvmThreads jvm;
    private final long processCpuNanos;
    private final long wallNanos;

    private CpuShares(Map<Long, ThreadCpu> threads, JvmThreads jvm, long processCpuNanos, long wallNanos) {
        this.threads = threads;
        this.jvm = jvm;
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
        return new CpuShares(threads, JvmThreads.read(), process, System.nanoTime());
    }

    /**
     * Cores used from {@code start} to this snapshot; empty for a phase shorter than {@link #MIN_SECONDS}.
     * {@code benchThreadId} is the thread that read the results (counted as the bench's);
     * {@code endedBenchNanos} is CPU of bench threads that ended before this snapshot (the sender
     * measures its own).
     */
    Optional<Cores> since(CpuShares start, long benchThreadId, long endedBenchNanos) {
        double seconds = (wallNanos - start.wallNanos) / 1e9;
        if (seconds < MIN_SECONDS) {
            return Optional.empty();
        }
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
        long gc = Math.max(0, jvm.gcNanos() - start.jvm.gcNanos());
        long jit = Math.max(0, jvm.jitNanos() - start.jvm.jitNanos());
        long other = 0;
        if (processCpuNanos >= 0 && start.processCpuNanos >= 0) {
            long unlisted = Math.max(0, processCpuNanos - start.processCpuNanos - flink - broker - bench);
            // /proc counts in 10 ms ticks per thread: over a short phase GC and JIT may round above what the
            // process's own clock (exact) leaves for them, so they are scaled into it.
            if (gc + jit > unlisted) {
                double scale = unlisted / (double) (gc + jit);
                gc = (long) (gc * scale);
                jit = (long) (jit * scale);
            }
            other = Math.max(0, unlisted - gc - jit);
        }
        return Optional.of(new Cores(flink / 1e9 / seconds, broker / 1e9 / seconds, bench / 1e9 / seconds, gc / 1e9 / seconds, jit / 1e9 / seconds,
                other / 1e9 / seconds));
    }
}
