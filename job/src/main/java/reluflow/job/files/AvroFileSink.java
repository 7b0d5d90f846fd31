package reluflow.job.files;

import java.io.IOException;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Writes records to Avro object container files, one part per subtask (`NAME-SUBTASK.avro` in the
 * output directory), on any Flink file system. Meant for bounded runs: a part is complete when the
 * job finishes.
 */
public final class AvroFileSink<T extends SpecificRecordBase> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final String directory;
    private final String name;
    private final Class<T> type;

    public AvroFileSink(String directory, String name, Class<T> type) {
        this.directory = directory;
        this.name = name;
        this.type = type;
    }

    public static String partName(String name, int subtask) {
        return name + "-" + subtask + ".avro";
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        Path part = new Path(directory, partName(name, context.getTaskInfo().getIndexOfThisSubtask()));
        DataFileWriter<T> writer = new DataFileWriter<>(new SpecificDatumWriter<>(type));
        writer.setCodec(CodecFactory.deflateCodec(1));
        try {
            T prototype = type.getDeclaredConstructor().newInstance();
            writer.create(prototype.getSchema(), part.getFileSystem().create(part, FileSystem.WriteMode.OVERWRITE));
        } catch (ReflectiveOperationException e) {
            throw new IOException(type + " is not a generated Avro record", e);
        }
        return new SinkWriter<>() {
            @Override
            public void write(T element, Context ctx) throws IOException {
                writer.append(element);
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
