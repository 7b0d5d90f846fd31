package reluflow.cli.replay;

/**
 * Resizes a plane of pixels, separably: area averaging when shrinking (every source pixel counts with
 * its overlap, so no aliasing), centre-aligned bilinear interpolation when enlarging.
 */
final class Resampler {
    private Resampler() {
    }

    static float[] resize(float[] src, int width, int height, int newWidth, int newHeight) {
        float[] rows = new float[newWidth * height];
        for (int y = 0; y < height; y++) {
            resample(src, y * width, 1, width, rows, y * newWidth, 1, newWidth);
        }
        float[] out = new float[newWidth * newHeight];
        for (int x = 0; x < newWidth; x++) {
            resample(rows, x, newWidth, height, out, x, newWidth, newHeight);
        }
        return out;
    }

    /** One line of n samples (stride apart) into m samples. */
    static void resample(float[] in, int inOffset, int inStride, int n, float[] out, int outOffset, int outStride, int m) {
        if (m == n) {
            for (int i = 0; i < n; i++) {
                out[outOffset + i * outStride] = in[inOffset + i * inStride];
            }
        } else if (m < n) {
            double scale = (double) n / m;
            for (int i = 0; i < m; i++) {
                double from = i * scale;
                double to = Math.min(n, (i + 1) * scale);
                double sum = 0;
                for (int j = (int) Math.floor(from); j < Math.min(n, (int) Math.ceil(to)); j++) {
                    double overlap = Math.min(to, j + 1) - Math.max(from, j);
                    sum += in[inOffset + j * inStride] * overlap;
                }
                out[outOffset + i * outStride] = (float) (sum / (to - from));
            }
        } else {
            double scale = (double) n / m;
            for (int i = 0; i < m; i++) {
                double x = Math.max(0, Math.min(n - 1, (i + 0.5) * scale - 0.5));
                int j0 = (int) Math.floor(x);
                int j1 = Math.min(j0 + 1, n - 1);
                double t = x - j0;
                out[outOffset + i * outStride] = (float) (in[inOffset + j0 * inStride] * (1 - t) + in[inOffset + j1 * inStride] * t);
            }
        }
    }
}
