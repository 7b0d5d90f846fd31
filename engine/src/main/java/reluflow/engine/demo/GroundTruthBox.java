package reluflow.engine.demo;

import reluflow.avro.BoundingBox;

/** One ground-truth object of a CNN demo frame, coordinates normalised to [0, 1]. */
public record GroundTruthBox(int classIndex, float xMin, float yMin, float xMax, float yMax) {

    public BoundingBox toBoundingBox() {
        return new BoundingBox(xMin, yMin, xMax, yMax);
    }
}
