package reluflow.cli.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import reluflow.avro.DeadLetter;
import reluflow.avro.Frame;
import reluflow.cli.UserError;

/** The files a replay reads: one container file, or every *.avro file of a folder in name order, each with its kind and size. */
final class ReplayInput {
    enum Kind { FRAMES, DEAD_LETTERS }

    record InputFile(Path path, Kind kind, long records) {
    }

    private ReplayInput() {
    }

    static List<InputFile> open(Path in) {
        List<Path> paths;
        if (Files.isDirectory(in)) {
            try (Stream<Path> list = Files.list(in)) {
                paths = list.filter(p -> p.getFileName().toString().endsWith(".avro") && Files.isRegularFile(p))
                        .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                        .toList();
            } catch (IOException e) {
                throw new UserError("Cannot list " + in + ": " + e.getMessage());
            }
            if (paths.isEmpty()) {
                throw new UserError("Folder " + in + " holds no *.avro files");
            }
        } else if (Files.isRegularFile(in)) {
            paths = List.of(in);
        } else {
            throw new UserError("Input " + in + " does not exist");
        }
        return paths.stream().map(ReplayInput::inspect).toList();
    }

    /** Reads the writer schema from the file header and counts records block by block (without decoding them). */
    static InputFile inspect(Path path) {
        try (DataFileReader<GenericRecord> reader = new DataFileReader<>(path.toFile(), new GenericDatumReader<>())) {
            Schema schema = reader.getSchema();
            Kind kind;
            if (schema.getFullName().equals(Frame.getClassSchema().getFullName())) {
                kind = Kind.FRAMES;
            } else if (schema.getFullName().equals(DeadLetter.getClassSchema().getFullName())) {
                kind = Kind.DEAD_LETTERS;
            } else {
                throw new UserError("File " + path + " holds " + schema.getFullName() + " records; replay takes files of "
                        + Frame.getClassSchema().getFullName() + " or " + DeadLetter.getClassSchema().getFullName());
            }
            long records = 0;
            while (reader.hasNext()) {
                records += reader.getBlockCount();
                reader.nextBlock();
            }
            return new InputFile(path, kind, records);
        } catch (IOException | org.apache.avro.AvroRuntimeException e) {
            throw new UserError("File " + path + " is not a readable Avro container file: " + e.getMessage());
        }
    }
}
