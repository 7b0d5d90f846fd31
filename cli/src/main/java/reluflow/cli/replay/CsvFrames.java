package reluflow.cli.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import reluflow.avro.TensorType;
import reluflow.cli.UserError;

/**
 * Rows of numbers to FLOAT32 frames of shape [feature columns] (or --shape, same element count). The
 * header row is optional (a first row with any non-number is one); label, sensor and time columns are
 * named in it and are not features. Rows with the wrong number of fields, a non-number or a non-finite
 * value (the engine would reject it), or a bad sensor/time cell are listed and skipped.
 */
final class CsvFrames {

    record Options(String sensor, Instant start, long spacingMillis, String labelColumn, String sensorColumn, String timeColumn,
                   char delimiter, List<Integer> shape) {
    }

    private CsvFrames() {
    }

    static void importFile(Path file, Options options, FrameSink sink, ImportLog log) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError("CSV file " + file + " does not exist");
        }
        String fileName = file.getFileName().toString();
        String defaultSensor = options.sensor() != null ? options.sensor() : ImageFrames.baseName(fileName);
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            long lineNumber = 0;
            Layout layout = null;
            long index = 0;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                if (line.isBlank()) {
                    continue;
                }
                List<String> fields = split(line, options.delimiter());
                String where = fileName + " line " + lineNumber;
                if (layout == null) {
                    layout = Layout.of(fields, options, file);
                    if (layout.header) {
                        continue;
                    }
                }
                if (fields.size() != layout.fields) {
                    log.skip(where, "has " + fields.size() + " fields, expected " + layout.fields);
                    continue;
                }
                ByteBuffer data = ByteBuffer.allocate(layout.features.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                String problem = null;
                for (int f = 0; f < layout.features.length && problem == null; f++) {
                    int column = layout.features[f];
                    String cell = fields.get(column).strip();
                    try {
                        float value = Float.parseFloat(cell);
                        if (!Float.isFinite(value)) {
                            problem = "column " + layout.name(column) + " is " + cell + " (not finite; the engine rejects such frames)";
                        }
                        data.putFloat(value);
                    } catch (NumberFormatException e) {
                        problem = "column " + layout.name(column) + " is " + (cell.isEmpty() ? "empty" : "'" + cell + "'") + ", not a number";
                    }
                }
                String sensor = defaultSensor;
                if (problem == null && layout.sensor >= 0) {
                    sensor = fields.get(layout.sensor).strip();
                    if (sensor.isEmpty()) {
                        problem = "sensor column " + layout.name(layout.sensor) + " is empty";
                    }
                }
                Instant eventTime = null;
                if (problem == null && layout.time >= 0) {
                    try {
                        eventTime = TimeArg.parse(fields.get(layout.time));
                    } catch (IllegalArgumentException e) {
                        problem = "time column " + layout.name(layout.time) + ": " + e.getMessage();
                    }
                }
                if (problem != null) {
                    log.skip(where, problem);
                    continue;
                }
                if (eventTime == null) {
                    eventTime = options.start().plusMillis(index * options.spacingMillis());
                }
                Map<String, String> attributes = new LinkedHashMap<>();
                attributes.put("source", fileName + ":" + lineNumber);
                if (layout.label >= 0 && !fields.get(layout.label).isBlank()) {
                    attributes.put("label", fields.get(layout.label).strip());
                }
                data.flip();
                sink.write(sensor, null, eventTime, layout.shape, TensorType.FLOAT32, data, attributes);
                index++;
            }
        }
    }

    /** Which fields are features and which are the named columns, from the first row. */
    private static final class Layout {
        boolean header;
        List<String> names;
        int fields;
        int label = -1;
        int sensor = -1;
        int time = -1;
        int[] features;
        List<Integer> shape;

        static Layout of(List<String> first, Options options, Path file) {
            Layout layout = new Layout();
            layout.fields = first.size();
            layout.header = first.stream().anyMatch(cell -> !isNumber(cell));
            layout.names = layout.header ? first.stream().map(String::strip).toList() : null;
            layout.label = layout.column(options.labelColumn(), "--label-column", file);
            layout.sensor = layout.column(options.sensorColumn(), "--sensor-column", file);
            layout.time = layout.column(options.timeColumn(), "--time-column", file);
            List<Integer> features = new ArrayList<>();
            for (int i = 0; i < first.size(); i++) {
                if (i != layout.label && i != layout.sensor && i != layout.time) {
                    features.add(i);
                }
            }
            if (features.isEmpty()) {
                throw new UserError("CSV file " + file + " has no feature columns");
            }
            layout.features = features.stream().mapToInt(Integer::intValue).toArray();
            layout.shape = options.shape() != null ? options.shape() : List.of(features.size());
            long elements = layout.shape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
            if (elements != features.size()) {
                throw new UserError("--shape " + layout.shape + " has " + elements + " elements but " + file + " has "
                        + features.size() + " feature columns");
            }
            return layout;
        }

        private int column(String name, String option, Path file) {
            if (name == null) {
                return -1;
            }
            if (!header) {
                throw new UserError(option + " " + name + " needs a header row, and " + file + " has none");
            }
            int index = names.indexOf(name);
            if (index < 0) {
                throw new UserError(option + " " + name + ": no such column in " + file + "; columns are " + names);
            }
            return index;
        }

        String name(int column) {
            return header ? "'" + names.get(column) + "'" : "#" + (column + 1);
        }
    }

    private static boolean isNumber(String cell) {
        try {
            Float.parseFloat(cell.strip());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Splits one line on the delimiter; fields may be double-quoted, with "" for a quote inside. */
    static List<String> split(String line, char delimiter) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
