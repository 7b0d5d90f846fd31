package reluflow.engine.demo;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Renders one CNN demo image: bright squares on a noisy dark background, as UINT8 pixels. */
final class CnnImages {

    private static final double BACKGROUND = 0.08;
    private static final double BACKGROUND_NOISE = 0.04;
    private static final double SQUARE_MIN = 0.65;
    private static final double SQUARE_MAX = 1.0;
    private static final double SQUARE_NOISE = 0.03;
    /** Dark pixels kept between squares so neighbouring squares do not merge into one blob. */
    private static final int GAP = 2;
    private static final int PLACEMENT_TRIES = 50;

    private CnnImages() {
    }

    static ByteBuffer render(Random random, Map<String, String> attributes) {
        int n = CnnTask.SIZE;
        double[] img = new double[n * n];
        for (int i = 0; i < img.length; i++) {
            img[i] = BACKGROUND + BACKGROUND_NOISE * random.nextGaussian();
        }
        // A couple of hot pixels per image, like a cheap sensor: bright, but never square-shaped.
        int hot = random.nextInt(3);
        for (int h = 0; h < hot; h++) {
            img[random.nextInt(img.length)] = 0.5 + 0.5 * random.nextDouble();
        }

        List<int[]> placed = new ArrayList<>();
        int wanted = 1 + random.nextInt(3);
        StringBuilder objects = new StringBuilder();
        for (int o = 0; o < wanted; o++) {
            int cls = random.nextInt(CnnTask.CLASSES);
            int side = cls == CnnTask.SMALL ? 4 + random.nextInt(3) : 9 + random.nextInt(3);
            int[] box = place(random, side, placed);
            if (box == null) {
                continue; // the image is too crowded for this one; fewer objects is still valid
            }
            placed.add(box);
            double value = SQUARE_MIN + (SQUARE_MAX - SQUARE_MIN) * random.nextDouble();
            for (int r = box[1]; r < box[1] + side; r++) {
                for (int c = box[0]; c < box[0] + side; c++) {
                    img[r * n + c] = value + SQUARE_NOISE * random.nextGaussian();
                }
            }
            if (objects.length() > 0) {
                objects.append(';');
            }
            objects.append(cls).append(',')
                    .append(box[0] / (float) n).append(',')
                    .append(box[1] / (float) n).append(',')
                    .append((box[0] + side) / (float) n).append(',')
                    .append((box[1] + side) / (float) n);
        }
        attributes.put(SyntheticFrames.OBJECTS, objects.toString());

        byte[] pixels = new byte[img.length];
        for (int i = 0; i < img.length; i++) {
            pixels[i] = (byte) Math.round(255 * Math.max(0, Math.min(1, img[i])));
        }
        return ByteBuffer.wrap(pixels);
    }

    /**
     * Top-left corner and side {x, y, side}, at least one pixel in from the border (an edge needs a
     * dark neighbour to be seen) and {@link #GAP} pixels away from every placed square.
     */
    private static int[] place(Random random, int side, List<int[]> placed) {
        int span = CnnTask.SIZE - side - 1;
        for (int t = 0; t < PLACEMENT_TRIES; t++) {
            int x = 1 + random.nextInt(span);
            int y = 1 + random.nextInt(span);
            boolean free = true;
            for (int[] p : placed) {
                boolean apartX = x + side + GAP <= p[0] || p[0] + p[2] + GAP <= x;
                boolean apartY = y + side + GAP <= p[1] || p[1] + p[2] + GAP <= y;
                if (!apartX && !apartY) {
                    free = false;
                    break;
                }
            }
            if (free) {
                return new int[] {x, y, side};
            }
        }
        return null;
    }
}
