package reluflow.cli.replay;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import reluflow.avro.TensorType;
import reluflow.cli.UserError;

/**
 * A 2-D NumPy array (.npy format v1, v2 or v3; little-endian float32 or float64, C or Fortran order) to
 * one FLOAT32 frame per row. The header is parsed here. Rows with a non-finite value, and the rows a
 * truncated file lacks, are listed and skipped; a file that is not such an array fails with the reason.
 */
final class NpyFrames {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    record Options(String sensor, Instant start, long spacingMillis, List<Integer> shape) {
    }

    /** The parsed header: element size in bytes (4 or 8), layout, and the array shape. */
    record Header(int version, String descr, int itemSize, boolean fortranOrder, long[] shape) {
        long rows() {
            return shape[0];
        }

        long columns() {
            return shape[1];
        }
    }

    private NpyFrames() {
    }

    static Header readHeader(DataInputStream in) throws IOException {
        byte[] magic = new byte[MAGIC.length];
        in.readFully(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IllegalArgumentException("does not start with the .npy magic \\x93NUMPY");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        long length;
        if (major == 1) {
            length = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
        } else if (major == 2 || major == 3) {
            length = Integer.toUnsignedLong(Integer.reverseBytes(in.readInt()));
        } else {
            throw new IllegalArgumentException("format version " + major + " is not supported (1, 2 or 3)");
        }
        if (length > 1 << 20) {
            throw new IllegalArgumentException("header of " + length + " bytes is implausibly long");
        }
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        String header = new String(bytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = find(DESCR, header, "descr");
        boolean fortran = find(FORTRAN, header, "fortran_order").equals("True");
        String[] dims = Arrays.stream(find(SHAPE, header, "shape").split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .toArray(String[]::new);
        if (dims.length != 2) {
            throw new IllegalArgumentException("shape (" + String.join(", ", dims) + ") is not 2-D (rows, columns)");
        }
        long[] shape = new long[2];
        for (int i = 0; i < 2; i++) {
            try {
                shape[i] = Long.parseLong(dims[i].replace("L", ""));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("shape dimension '" + dims[i] + "' is not a number");
            }
        }
        int itemSize = switch (descr) {
            case "<f4", "=f4" -> 4;
            case "<f8", "=f8" -> 8;
            case ">f4", ">f8" -> throw new IllegalArgumentException("dtype " + descr + " is big-endian; save it little-endian (<f4 or <f8)");
            default -> throw new IllegalArgumentException("dtype '" + descr + "' is not float32 or float64 (<f4 or <f8)");
        };
        if (shape[1] < 1) {
            throw new IllegalArgumentException("rows have no columns (shape (" + shape[0] + ", " + shape[1] + "))");
        }
        if (shape[1] * itemSize > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("rows of " + shape[1] + " values are too large for a frame");
        }
        return new Header(major, descr, itemSize, fortran, shape);
    }

    private static String find(Pattern pattern, String header, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("header has no readable '" + key + "': " + header.strip());
        }
        return m.group(1);
    }

    static void importFile(Path file, Options options, FrameSink sink, ImportLog log) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UserError("NPY file " + file + " does not exist");
        }
        String fileName = file.getFileName().toString();
        String sensor = options.sensor() != null ? options.sensor() : ImageFrames.baseName(fileName);
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            Header header;
            try {
                header = readHeader(in);
            } catch (EOFException e) {
                throw new UserError("NPY file " + file + " ends inside its header");
            } catch (IllegalArgumentException e) {
                throw new UserError("NPY file " + file + ": " + e.getMessage());
            }
            int columns = (int) header.columns();
            List<Integer> shape = options.shape() != null ? options.shape() : List.of(columns);
            long elements = shape.stream().mapToLong(Integer::longValue).reduce(1, (a, b) -> a * b);
            if (elements != columns) {
                throw new UserError("--shape " + shape + " has " + elements + " elements but the rows of " + file + " have " + columns);
            }
            RowSource rows = header.fortranOrder() ? new FortranRows(in, header) : new CRows(in, header);
            for (long row = 0; row < header.rows(); row++) {
                double[] values = rows.next();
                if (values == null) {
                    long missing = header.rows() - row;
                    log.skip(fileName + (missing == 1 ? " row " + row : " rows " + row + ".." + (header.rows() - 1)),
                            "file ends early (truncated): " + header.rows() + " rows declared", missing);
                    break;
                }
                ByteBuffer data = ByteBuffer.allocate(columns * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
                String problem = null;
                for (int c = 0; c < columns; c++) {
                    float v = (float) values[c];
                    if (!Float.isFinite(v) && problem == null) {
                        problem = "column " + c + " is " + values[c] + (Double.isFinite(values[c]) ? " (beyond float32)" : "")
                                + " (not finite; the engine rejects such frames)";
                    }
                    data.putFloat(v);
                }
                if (problem != null) {
                    log.skip(fileName + " row " + row, problem);
                    continue;
                }
                data.flip();
                Map<String, String> attributes = new LinkedHashMap<>();
                attributes.put("source", fileName + "[" + row + "]");
                sink.write(sensor, null, options.start().plusMillis(sink.written() * options.spacingMillis()), shape, TensorType.FLOAT32,
                        data, attributes);
            }
        }
    }

    /** Rows in file order, or null when the file ends. */
    private interface RowSource {
        double[] next() throws IOException;
    }

    private static final class CRows implements RowSource {
        private final InputStream in;
        private final Header header;
        private final byte[] buffer;

        CRows(InputStream in, Header header) {
            this.in = in;
            this.header = header;
            this.buffer = new byte[(int) header.columns() * header.itemSize()];
        }

        @Override
        public double[] next() throws IOException {
            if (in.readNBytes(buffer, 0, buffer.length) < buffer.length) {
                return null;
            }
            return decode(ByteBuffer.wrap(buffer).order(ByteOrder.LITTLE_ENDIAN), (int) header.columns(), header.itemSize());
        }
    }

    /** Column-major data: read whole, then served row by row (rows missing from a truncated file come out null). */
    private static final class FortranRows implements RowSource {
        private final Header header;
        private final ByteBuffer data;
        private final long available;
        private long row;

        FortranRows(InputStream in, Header header) throws IOException {
            this.header = header;
            long size = header.rows() * header.columns() * header.itemSize();
            if (size > Integer.MAX_VALUE - 64) {
                throw new UserError("Fortran-order arrays over 2 GiB are not supported; save the array in C order");
            }
            byte[] bytes = in.readNBytes((int) size);
            this.data = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            this.available = bytes.length;
        }

        @Override
        public double[] next() {
            long last = ((header.columns() - 1) * header.rows() + row + 1) * header.itemSize();
            if (last > available) {
                return null;
            }
            double[] values = new double[(int) header.columns()];
            for (int c = 0; c < values.length; c++) {
                int at = (int) ((c * header.rows() + row) * header.itemSize());
                values[c] = header.itemSize() == 4 ? data.getFloat(at) : data.getDouble(at);
            }
            row++;
            return values;
        }
    }

    private static double[] decode(ByteBuffer buffer, int columns, int itemSize) {
        double[] values = new double[columns];
        for (int c = 0; c < columns; c++) {
            values[c] = itemSize == 4 ? buffer.getFloat() : buffer.getDouble();
        }
        return values;
    }
}
