package reluflow.engine.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import reluflow.avro.Frame;

/** Reads back the ground truth that {@link SyntheticFrames} stores in frame attributes. */
public final class GroundTruth {

    private GroundTruth() {
    }

    /** The class index of an MLP demo frame, empty when the frame carries no label. */
    public static OptionalInt label(Frame frame) {
        String value = frame.getAttributes() == null ? null : frame.getAttributes().get(SyntheticFrames.LABEL);
        if (value == null || value.isBlank()) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("frame " + frame.getFrameId() + " has a non-integer label: " + value, e);
        }
    }

    /**
     * The objects of a CNN demo frame, from {@code objects = "class,x_min,y_min,x_max,y_max;..."};
     * empty when the attribute is missing or blank.
     */
    public static List<GroundTruthBox> objects(Frame frame) {
        String value = frame.getAttributes() == null ? null : frame.getAttributes().get(SyntheticFrames.OBJECTS);
        List<GroundTruthBox> boxes = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return boxes;
        }
        for (String entry : value.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] f = entry.split(",");
            if (f.length != 5) {
                throw new IllegalArgumentException(
                        "frame " + frame.getFrameId() + ": object '" + entry + "' needs 5 comma-separated fields");
            }
            try {
                boxes.add(new GroundTruthBox(Integer.parseInt(f[0].trim()),
                        Float.parseFloat(f[1]), Float.parseFloat(f[2]),
                        Float.parseFloat(f[3]), Float.parseFloat(f[4])));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("frame " + frame.getFrameId() + ": bad object '" + entry + "'", e);
            }
        }
        return boxes;
    }
}
