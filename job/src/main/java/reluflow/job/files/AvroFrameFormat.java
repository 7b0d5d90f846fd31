package reluflow.job.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import reluflow.avro.Frame;
import reluflow.engine.io.SingleObject;
import reluflow.job.source.SourceRecord;

/**
 * Reads recorded frames from Avro object container files. Each frame travels on as Kafka would
 * carry it (its single-object bytes, keyed by sensor), so validation and dead letters work the same;
 * the "topic" is "file" and the offset is the record's index in its file.
 */
public final class AvroFrameFormat implements StreamFormat<SourceRecord> {
    private static final long serialVersionUID = 1L;
    public static final String SOURCE_NAME = "file";

    @Override
    public Reader<SourceRecord> createReader(Configuration config, FSDataInputStream stream, long fileLen, long splitEnd) throws IOException {
        DataFileStream<Frame> frames = new DataFileStream<>(stream, new SpecificDatumReader<>(Frame.class));
        return new Reader<>() {
            private long index;

            @Override
            public SourceRecord read() {
                if (!frames.hasNext()) {
                    return null;
                }
                Frame frame = frames.next();
                return SourceRecord.ofFrame(frame, SOURCE_NAME, 0, index++, frame.getSensorId().getBytes(StandardCharsets.UTF_8), SingleObject.encode(frame));
            }

            @Override
            public void close() throws IOException {
                frames.close();
            }
        };
    }

    /** Container files are read whole (not splittable), so a restore starts the file over. */
    @Override
    public Reader<SourceRecord> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset, long fileLen, long splitEnd)
            throws IOException {
        stream.seek(0);
        return createReader(config, stream, fileLen, splitEnd);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<SourceRecord> getProducedType() {
        return TypeInformation.of(SourceRecord.class);
    }
}
