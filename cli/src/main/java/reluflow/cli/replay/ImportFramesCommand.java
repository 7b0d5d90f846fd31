package reluflow.cli.replay;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import reluflow.cli.UserError;

@Command(name = "import", mixinStandardHelpOptions = true,
        description = {"Import images, CSV rows or a NumPy array as frames (an Avro container file of Frame records).",
                "--images DIR: PNG/JPEG (javax.imageio) -> UINT8 frames [C,H,W] in CHW order, grayscale (C=1) or RGB (C=3), "
                        + "resized to HxW; without --sensor a file cam-1_000042.png is sensor cam-1 frame 42; without --start "
                        + "the event time is the file's last-modified time.",
                "--csv FILE: rows of numbers -> FLOAT32 frames of shape [feature columns]; header optional.",
                "--npy FILE: a 2-D float32/float64 little-endian array -> one FLOAT32 frame per row.",
                "Bad files and rows are listed with the reason and skipped; the count comes at the end."})
public final class ImportFramesCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--images", paramLabel = "DIR", description = "Folder of images (searched recursively, in path order).")
        Path images;

        @Option(names = "--csv", paramLabel = "FILE", description = "CSV file of numeric rows.")
        Path csv;

        @Option(names = "--npy", paramLabel = "FILE", description = "2-D .npy file (float32 or float64).")
        Path npy;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--out", required = true, paramLabel = "FILE.avro", description = "Frames file to write.")
    Path out;

    @Option(names = "--shape", paramLabel = "C,H,W", split = ",",
            description = "Frame shape: required for --images (C is 1 or 3); for --csv/--npy an optional reshape of each row.")
    List<Integer> shape;

    @Option(names = "--sensor", paramLabel = "ID", description = "Sensor id of every frame (default: from the file name).")
    String sensor;

    @Option(names = "--start", converter = TimeArg.class, paramLabel = "TIME",
            description = "Event time of the first frame (ISO-8601 or epoch millis); later frames follow --spacing-millis apart "
                    + "(default: images: file last-modified time; CSV/NPY: now).")
    Instant start;

    @Option(names = "--spacing-millis", defaultValue = "10", paramLabel = "N",
            description = "Event-time step between frames from --start (default: ${DEFAULT-VALUE}).")
    long spacingMillis;

    @Option(names = "--label-from-dir", description = "--images: attributes.label = the name of the folder holding the image.")
    boolean labelFromDir;

    @Option(names = "--label-column", paramLabel = "NAME", description = "--csv: column copied to attributes.label (not a feature).")
    String labelColumn;

    @Option(names = "--sensor-column", paramLabel = "NAME", description = "--csv: column with each row's sensor id (not a feature).")
    String sensorColumn;

    @Option(names = "--time-column", paramLabel = "NAME",
            description = "--csv: column with each row's event time, ISO-8601 or epoch millis (not a feature).")
    String timeColumn;

    @Option(names = "--delimiter", defaultValue = ",", paramLabel = "CHAR",
            description = "--csv: field delimiter, one character or 'tab' (default: ${DEFAULT-VALUE}).")
    String delimiter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        validate();
        PrintWriter out = spec.commandLine().getOut();
        ImportLog log = new ImportLog();
        Instant startOrNow = start != null ? start : Instant.now();
        String unit;
        String from;
        long written;
        try (FrameSink sink = new FrameSink(this.out)) {
            if (source.images != null) {
                unit = "files";
                from = source.images.toString();
                ImageFrames.importAll(source.images, new ImageFrames.Options(shape.get(0), shape.get(1), shape.get(2), sensor, start,
                        spacingMillis, labelFromDir), sink, log);
            } else if (source.csv != null) {
                unit = "rows";
                from = source.csv.toString();
                CsvFrames.importFile(source.csv, new CsvFrames.Options(sensor, startOrNow, spacingMillis, labelColumn, sensorColumn,
                        timeColumn, delimiterChar(), shape), sink, log);
            } else {
                unit = "rows";
                from = source.npy.toString();
                NpyFrames.importFile(source.npy, new NpyFrames.Options(sensor, startOrNow, spacingMillis, shape), sink, log);
            }
            written = sink.written();
        } catch (UserError e) {
            Files.deleteIfExists(this.out);
            throw e;
        }
        out.printf("Imported %d frames from %s to %s%n", written, from, this.out);
        log.print(out, unit);
        out.flush();
        if (written == 0) {
            Files.deleteIfExists(this.out);
            throw new UserError("No frames imported from " + from + (log.skipped() > 0 ? " (every input was bad; see above)" : ""));
        }
        return 0;
    }

    private void validate() {
        if (spacingMillis < 0) {
            throw new UserError("--spacing-millis must be >= 0, got " + spacingMillis);
        }
        if (shape != null && shape.stream().anyMatch(d -> d == null || d < 1)) {
            throw new UserError("--shape dimensions must be >= 1, got " + shape);
        }
        List<String> notForSource = new ArrayList<>();
        if (source.images != null) {
            if (shape == null || shape.size() != 3 || (shape.get(0) != 1 && shape.get(0) != 3)) {
                throw new UserError("--images needs --shape C,H,W with C = 1 (grayscale) or 3 (RGB)" + (shape == null ? "" : ", got " + shape));
            }
            if ((long) shape.get(0) * shape.get(1) * shape.get(2) > Integer.MAX_VALUE / 2) {
                throw new UserError("--shape " + shape + " is too large for a frame");
            }
            addIf(notForSource, labelColumn, "--label-column");
            addIf(notForSource, sensorColumn, "--sensor-column");
            addIf(notForSource, timeColumn, "--time-column");
        } else {
            if (labelFromDir) {
                notForSource.add("--label-from-dir");
            }
            if (source.npy != null) {
                addIf(notForSource, labelColumn, "--label-column");
                addIf(notForSource, sensorColumn, "--sensor-column");
                addIf(notForSource, timeColumn, "--time-column");
            }
        }
        if (!notForSource.isEmpty()) {
            throw new UserError(String.join(", ", notForSource) + " does not apply to "
                    + (source.images != null ? "--images" : source.csv != null ? "--csv" : "--npy"));
        }
        if (sensor != null && sensorColumn != null) {
            throw new UserError("Give --sensor or --sensor-column, not both");
        }
        if (source.csv != null) {
            delimiterChar();
        }
    }

    private char delimiterChar() {
        if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
            return '\t';
        }
        if (delimiter.length() != 1 || delimiter.equals("\"")) {
            throw new UserError("--delimiter must be one character (or 'tab'), got '" + delimiter + "'");
        }
        return delimiter.charAt(0);
    }

    private static void addIf(List<String> list, Object value, String option) {
        if (value != null) {
            list.add(option);
        }
    }
}
