package reluflow.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import reluflow.engine.demo.DemoModelKind;

/**
 * Runs {@link EngineBenchmark} through the JMH Runner API (one fork) and prints frames/s per model
 * kind and batch size, the cost of measuring sparsity (instrumented/plain, sampled10/plain) and the
 * gain from batching (frames/s at a batch size / frames/s at batch 1).
 *
 * <pre>
 * java -cp benchmarks/target/reluflow-benchmarks.jar reluflow.bench.EngineBenchmarkTable \
 *     [--warmup 2] [--iterations 3] [--time 1s] [--warmup-time 1s] \
 *     [--kinds MLP,CNN] [--batches 1,8,32,128] [--quiet]
 * </pre>
 */
public final class EngineBenchmarkTable {

    static final List<String> MODES = List.of("plain", "instrumented", "sampled10");

    private EngineBenchmarkTable() {
    }

    /** Command-line options; defaults keep a full run to a few minutes. */
    static final class Args {
        int warmup = 2;
        int iterations = 3;
        TimeValue time = TimeValue.seconds(1);
        TimeValue warmupTime;
        List<String> kinds = List.of("MLP", "CNN");
        List<Integer> batches = List.of(1, 8, 32, 128);
        boolean quiet;

        static Args parse(String[] argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String arg = argv[i];
                String value = null;
                int eq = arg.indexOf('=');
                if (arg.startsWith("--") && eq > 0) {
                    value = arg.substring(eq + 1);
                    arg = arg.substring(0, eq);
                }
                switch (arg) {
                    case "-h", "--help" -> {
                        usage(System.out);
                        System.exit(0);
                    }
                    case "--quiet" -> a.quiet = true;
                    case "--warmup" -> a.warmup = nonNegative(arg, value != null ? value : next(argv, ++i, arg));
                    case "--iterations" -> a.iterations = positive(arg, value != null ? value : next(argv, ++i, arg));
                    case "--time" -> a.time = time(arg, value != null ? value : next(argv, ++i, arg));
                    case "--warmup-time" -> a.warmupTime = time(arg, value != null ? value : next(argv, ++i, arg));
                    case "--kinds" -> a.kinds = kinds(value != null ? value : next(argv, ++i, arg));
                    case "--batches" -> a.batches = batches(value != null ? value : next(argv, ++i, arg));
                    default -> fail("unknown option " + argv[i]);
                }
            }
            return a;
        }

        private static String next(String[] argv, int i, String option) {
            if (i >= argv.length) {
                fail(option + " needs a value");
            }
            return argv[i];
        }

        private static int nonNegative(String option, String v) {
            try {
                int n = Integer.parseInt(v.trim());
                if (n >= 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            fail(option + " must be an integer >= 0, got '" + v + "'");
            return 0;
        }

        private static int positive(String option, String v) {
            int n = nonNegative(option, v);
            if (n < 1) {
                fail(option + " must be >= 1, got " + n);
            }
            return n;
        }

        private static TimeValue time(String option, String v) {
            String s = v.trim();
            if (s.matches("\\d+")) {
                s = s + "s";
            }
            try {
                TimeValue t = TimeValue.fromString(s);
                if (t.getTime() > 0) {
                    return t;
                }
            } catch (RuntimeException ignored) {
                // reported below
            }
            fail(option + " must be a positive duration such as 1s, 500ms or 2, got '" + v + "'");
            return null;
        }

        private static List<String> kinds(String v) {
            List<String> out = new ArrayList<>();
            for (String part : v.split(",")) {
                String k = part.trim().toUpperCase(Locale.ROOT);
                if (k.isEmpty()) {
                    continue;
                }
                try {
                    out.add(DemoModelKind.valueOf(k).name());
                } catch (IllegalArgumentException e) {
                    fail("--kinds: unknown kind '" + part.trim() + "'; known: " + Arrays.toString(DemoModelKind.values()));
                }
            }
            if (out.isEmpty()) {
                fail("--kinds needs at least one of " + Arrays.toString(DemoModelKind.values()));
            }
            return List.copyOf(out);
        }

        private static List<Integer> batches(String v) {
            List<Integer> out = new ArrayList<>();
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    int b = positive("--batches", part);
                    if (b > EngineBenchmark.FRAME_POOL) {
                        fail("--batches: " + b + " exceeds the frame pool of " + EngineBenchmark.FRAME_POOL);
                    }
                    out.add(b);
                }
            }
            if (out.isEmpty()) {
                fail("--batches needs at least one batch size");
            }
            return out.stream().distinct().sorted().toList();
        }
    }

    private static void fail(String message) {
        System.err.println("EngineBenchmarkTable: " + message);
        usage(System.err);
        System.exit(2);
    }

    private static void usage(PrintStream out) {
        out.println("Usage: java -cp reluflow-benchmarks.jar reluflow.bench.EngineBenchmarkTable [options]");
        out.println("  --warmup N          warm-up iterations per benchmark (default 2)");
        out.println("  --iterations N      measurement iterations per benchmark (default 3)");
        out.println("  --time T            time per measurement iteration, e.g. 1s, 500ms (default 1s)");
        out.println("  --warmup-time T     time per warm-up iteration (default: --time)");
        out.println("  --kinds K,..        model kinds: MLP, CNN (default both)");
        out.println("  --batches B,..      batch sizes (default 1,8,32,128)");
        out.println("  --quiet             no JMH progress output, only the table");
        out.println("Runs one fork, one thread, CPU provider, one intra-op thread; modes plain (sample rate 0),");
        out.println("instrumented (1.0) and sampled10 (0.1). For other JMH options use: java -jar reluflow-benchmarks.jar");
    }

    /** One measured cell: batches/s with its error (99.9% half-width; NaN with too few iterations). */
    record Cell(double batchesPerSecond, double error) {
    }

    public static void main(String[] argv) throws RunnerException {
        Args args = Args.parse(argv);
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include("^" + EngineBenchmark.class.getName().replace(".", "\\.") + "\\.")
                .forks(1)
                .threads(1)
                .warmupIterations(args.warmup)
                .warmupTime(args.warmupTime != null ? args.warmupTime : args.time)
                .measurementIterations(args.iterations)
                .measurementTime(args.time)
                .timeUnit(TimeUnit.SECONDS)
                .param("kind", args.kinds.toArray(String[]::new))
                .param("batch", args.batches.stream().map(String::valueOf).toArray(String[]::new))
                .param("mode", MODES.toArray(String[]::new))
                .shouldFailOnError(true)
                .verbosity(args.quiet ? VerboseMode.SILENT : VerboseMode.NORMAL);
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, Cell> cells = new LinkedHashMap<>();
        for (RunResult run : results) {
            var params = run.getParams();
            Result<?> primary = run.getPrimaryResult();
            cells.put(key(params.getParam("kind"), Integer.parseInt(params.getParam("batch")), params.getParam("mode")),
                    new Cell(primary.getScore(), primary.getScoreError()));
        }
        System.out.println();
        System.out.print(table(args, cells));
    }

    static String key(String kind, int batch, String mode) {
        return kind + "/" + batch + "/" + mode;
    }

    static String table(Args args, Map<String, Cell> cells) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT,
                "EngineBenchmark: CPU, 1 intra-op thread, 1 fork; warm-up %d x %s, measurement %d x %s; frames/s = batches/s x batch%n",
                args.warmup, args.warmupTime != null ? args.warmupTime : args.time, args.iterations, args.time));
        String header = String.format(Locale.ROOT, "%-4s %6s %14s %14s %14s %12s %12s %12s %12s",
                "kind", "batch", "plain f/s", "instr f/s", "sampled10 f/s", "instr/plain", "s10/plain", "plain/b1", "instr/b1");
        sb.append(header).append('\n');
        sb.append("-".repeat(header.length())).append('\n');
        for (String kind : args.kinds) {
            for (int batch : args.batches) {
                double plain = framesPerSecond(cells, kind, batch, "plain");
                double instr = framesPerSecond(cells, kind, batch, "instrumented");
                double sampled = framesPerSecond(cells, kind, batch, "sampled10");
                double plain1 = framesPerSecond(cells, kind, 1, "plain");
                double instr1 = framesPerSecond(cells, kind, 1, "instrumented");
                sb.append(String.format(Locale.ROOT, "%-4s %6d %14s %14s %14s %12s %12s %12s %12s%n",
                        kind, batch, rate(plain), rate(instr), rate(sampled),
                        ratio(instr, plain), ratio(sampled, plain), speedUp(plain, plain1), speedUp(instr, instr1)));
            }
        }
        sb.append("instr/plain, s10/plain: throughput relative to the plain session (1.00 = no overhead);\n");
        sb.append("plain/b1, instr/b1: frames/s relative to batch 1 of the same kind and mode (- when batch 1 was not run).\n");
        return sb.toString();
    }

    private static double framesPerSecond(Map<String, Cell> cells, String kind, int batch, String mode) {
        Cell cell = cells.get(key(kind, batch, mode));
        return cell == null ? Double.NaN : cell.batchesPerSecond() * batch;
    }

    private static String rate(double framesPerSecond) {
        return Double.isNaN(framesPerSecond) ? "-" : String.format(Locale.ROOT, "%,.0f", framesPerSecond);
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String speedUp(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2fx", a / b);
    }
}
