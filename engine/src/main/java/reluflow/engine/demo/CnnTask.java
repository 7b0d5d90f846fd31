package reluflow.engine.demo;

import java.util.List;

/**
 * Geometry shared by the CNN's weights, its anchors and its synthetic frames: a square image with
 * bright filled squares whose side lengths identify their class.
 */
final class CnnTask {

    static final int SIZE = 32;
    static final List<String> LABELS = List.of("small", "large");
    static final int CLASSES = LABELS.size();
    static final int SMALL = 0;
    static final int LARGE = 1;

    /** Square sides the detector has a template for, and the class each side belongs to. */
    static final int[] SIDES = {4, 5, 6, 9, 10, 11};
    static final int[] SIDE_CLASS = {SMALL, SMALL, SMALL, LARGE, LARGE, LARGE};

    /** One anchor per template side per pixel, the pixel being the box's top-left corner. */
    static final int ANCHORS = SIDES.length * SIZE * SIZE;

    private CnnTask() {
    }

    static int classOfSide(int side) {
        for (int k = 0; k < SIDES.length; k++) {
            if (SIDES[k] == side) {
                return SIDE_CLASS[k];
            }
        }
        throw new IllegalArgumentException("no template for side " + side);
    }

    /**
     * Anchor boxes in the order the scores tensor uses (side, row, column), clipped to the image
     * because a box hanging off the edge can never be the true box of an in-image square.
     */
    static float[] anchorBoxes() {
        float[] boxes = new float[ANCHORS * 4];
        int a = 0;
        for (int side : SIDES) {
            for (int row = 0; row < SIZE; row++) {
                for (int col = 0; col < SIZE; col++) {
                    boxes[a++] = col / (float) SIZE;
                    boxes[a++] = row / (float) SIZE;
                    boxes[a++] = Math.min(col + side, SIZE) / (float) SIZE;
                    boxes[a++] = Math.min(row + side, SIZE) / (float) SIZE;
                }
            }
        }
        return boxes;
    }
}
