package reluflow.job.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import reluflow.engine.io.AvroContainerFiles;

/**
 * Joins the per-subtask parts a bounded run wrote (NAME-N.avro) into one NAME.avro in a stable
 * order, so two runs of the same frames give files that compare record by record. Holds one
 * output in memory while sorting.
 */
public final class PartFiles {
    private PartFiles() {
    }

    public static <T extends SpecificRecordBase> List<T> merge(Path directory, String name, Class<T> type, Comparator<T> order)
            throws IOException {
        List<Path> parts;
        try (Stream<Path> files = Files.list(directory)) {
            parts = files.filter(p -> p.getFileName().toString().matches(java.util.regex.Pattern.quote(name) + "-\\d+\\.avro")).sorted().toList();
        }
        List<T> records = new ArrayList<>();
        for (Path part : parts) {
            try (AvroContainerFiles.Reader<T> reader = AvroContainerFiles.reader(part, type)) {
                reader.forEachRemaining(records::add);
            }
        }
        records.sort(order);
        AvroContainerFiles.write(directory.resolve(name + ".avro"), type, records.iterator());
        for (Path part : parts) {
            Files.delete(part);
        }
        return records;
    }
}
