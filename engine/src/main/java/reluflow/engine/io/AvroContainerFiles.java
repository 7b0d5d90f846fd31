package reluflow.engine.io;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Standard Avro object container files of our records, readable by Avro's own tools in any
 * language (the writer schema travels in the file header).
 */
public final class AvroContainerFiles {
    private AvroContainerFiles() {
    }

    public static <T extends SpecificRecord> long write(Path file, Class<T> type, Iterator<T> records) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (Writer<T> writer = writer(file, type)) {
            long count = 0;
            while (records.hasNext()) {
                writer.append(records.next());
                count++;
            }
            return count;
        }
    }

    public static <T extends SpecificRecord> Writer<T> writer(Path file, Class<T> type) throws IOException {
        DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type));
        writer.setCodec(CodecFactory.deflateCodec(1));
        T prototype;
        try {
            prototype = type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro record", e);
        }
        writer.create(prototype.getSchema(), file.toFile());
        return new Writer<>(writer);
    }

    /** Reads records lazily; close the reader (try-with-resources). */
    public static <T extends SpecificRecord> Reader<T> reader(Path file, Class<T> type) throws IOException {
        return new Reader<>(new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(type)));
    }

    public static final class Writer<T> implements Closeable {
        private final DataFileWriter<T> writer;

        private Writer(DataFileWriter<T> writer) {
            this.writer = writer;
        }

        public void append(T record) throws IOException {
            writer.append(record);
        }

        @Override
        public void close() throws IOException {
            writer.close();
        }
    }

    public static final class Reader<T> implements Closeable, Iterator<T> {
        private final DataFileReader<T> reader;

        private Reader(DataFileReader<T> reader) {
            this.reader = reader;
        }

        @Override
        public boolean hasNext() {
            return reader.hasNext();
        }

        @Override
        public T next() {
            try {
                return reader.next(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
