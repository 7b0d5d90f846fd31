package reluflow.engine.decode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import reluflow.engine.EngineException;

/** Class labels: line i of a labels file (or item i of the model's metadata list) names class i. */
public final class Labels {
    private final List<String> names;
    private final String source;

    private Labels(List<String> names, String source) {
        this.names = names;
        this.source = source;
    }

    public static Labels none() {
        return new Labels(List.of(), "");
    }

    public static Labels fromFile(Path file) throws EngineException {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip)
                    .toList();
            // A trailing newline is normal; trailing empty lines are not classes.
            int end = lines.size();
            while (end > 0 && lines.get(end - 1).isEmpty()) {
                end--;
            }
            return new Labels(List.copyOf(lines.subList(0, end)), "labels file " + file);
        } catch (IOException e) {
            throw new EngineException("Labels file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    public static Labels fromMetadata(String commaSeparated) {
        return new Labels(Arrays.stream(commaSeparated.split(",")).map(String::strip).toList(), "model metadata reluflow.labels");
    }

    /** Class indices as labels, made once: a label is read for every detection. */
    private static final String[] NUMBERED = new String[1024];

    static {
        for (int i = 0; i < NUMBERED.length; i++) {
            NUMBERED[i] = Integer.toString(i);
        }
    }

    public String label(int classIndex) {
        if (classIndex < names.size()) {
            return names.get(classIndex);
        }
        return classIndex >= 0 && classIndex < NUMBERED.length ? NUMBERED[classIndex] : Integer.toString(classIndex);
    }

    public Optional<Integer> count() {
        return names.isEmpty() ? Optional.empty() : Optional.of(names.size());
    }

    /** Fails when labels were given but their number is not the model's number of classes. */
    public void check(long classes) throws EngineException {
        if (!names.isEmpty() && names.size() != classes) {
            throw new EngineException("The " + source + " has " + names.size() + " labels but the model outputs "
                    + classes + " classes: give one label per class, in class order");
        }
    }
}
