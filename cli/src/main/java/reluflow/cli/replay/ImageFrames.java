package reluflow.cli.replay;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import reluflow.avro.TensorType;
import reluflow.cli.UserError;

/**
 * Images (PNG, JPEG: whatever javax.imageio reads) to UINT8 frames of shape [C,H,W] in CHW order:
 * grayscale for C=1 (luma 0.299 R + 0.587 G + 0.114 B of colour images), RGB for C=3, resized to HxW.
 * Without --sensor, a file named {@code cam-1_000042.png} is sensor {@code cam-1}, frame 42; other names
 * are a sensor of their own. Without --start, the event time is the file's last-modified time.
 */
final class ImageFrames {
    private static final Pattern SENSOR_AND_NUMBER = Pattern.compile("(.+?)[_-](\\d{1,18})");

    record Options(int channels, int height, int width, String sensor, Instant start, long spacingMillis, boolean labelFromDir) {
    }

    private ImageFrames() {
    }

    static void importAll(Path dir, Options options, FrameSink sink, ImportLog log) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new UserError("Images folder " + dir + " does not exist");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> !isHidden(dir.relativize(p)))
                    .sorted((a, b) -> relative(dir, a).compareTo(relative(dir, b)))
                    .toList();
        }
        long index = 0;
        for (Path file : files) {
            String name = relative(dir, file);
            String label = null;
            if (options.labelFromDir()) {
                Path parent = dir.relativize(file).getParent();
                if (parent == null) {
                    log.skip(name, "--label-from-dir: not inside a label folder");
                    continue;
                }
                label = parent.getFileName().toString();
            }
            BufferedImage image;
            try {
                image = ImageIO.read(file.toFile());
            } catch (IOException | RuntimeException e) {
                log.skip(name, "cannot be read as an image (" + RecordType.describeFailure(e) + ")");
                continue;
            }
            if (image == null) {
                log.skip(name, "not an image that javax.imageio reads (PNG, JPEG, ...)");
                continue;
            }
            String base = baseName(file.getFileName().toString());
            String sensor = options.sensor();
            Long frameId = null;
            if (sensor == null) {
                Matcher m = SENSOR_AND_NUMBER.matcher(base);
                if (m.matches()) {
                    sensor = m.group(1);
                    frameId = Long.parseLong(m.group(2));
                } else {
                    sensor = base;
                }
            }
            Instant eventTime = options.start() != null
                    ? options.start().plusMillis(index * options.spacingMillis())
                    : Files.getLastModifiedTime(file).toInstant();
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("source", name);
            attributes.put("original_size", image.getWidth() + "x" + image.getHeight());
            if (label != null) {
                attributes.put("label", label);
            }
            byte[] chw = toChw(image, options.channels(), options.height(), options.width());
            sink.write(sensor, frameId, eventTime, List.of(options.channels(), options.height(), options.width()), TensorType.UINT8,
                    ByteBuffer.wrap(chw), attributes);
            index++;
        }
    }

    /** The image resized to width x height, as C planes of bytes (CHW). */
    static byte[] toChw(BufferedImage image, int channels, int height, int width) {
        float[][] planes = planes(image, channels);
        byte[] out = new byte[channels * height * width];
        for (int c = 0; c < channels; c++) {
            float[] plane = Resampler.resize(planes[c], image.getWidth(), image.getHeight(), width, height);
            for (int i = 0; i < plane.length; i++) {
                out[c * height * width + i] = (byte) Math.max(0, Math.min(255, Math.round(plane[i])));
            }
        }
        return out;
    }

    /** The source pixels as 8-bit planes: gray images read straight from the raster (no colour conversion), others as sRGB. */
    private static float[][] planes(BufferedImage image, int channels) {
        int w = image.getWidth();
        int h = image.getHeight();
        ColorModel model = image.getColorModel();
        boolean gray = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel);
        float[][] planes = new float[channels][w * h];
        if (gray) {
            Raster raster = image.getRaster();
            double scale = 255.0 / ((1L << model.getComponentSize(0)) - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = (float) (raster.getSample(x, y, 0) * scale);
                    for (int c = 0; c < channels; c++) {
                        planes[c][y * w + x] = v;
                    }
                }
            }
            return planes;
        }
        int[] rgb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < rgb.length; i++) {
            int r = (rgb[i] >> 16) & 0xFF;
            int g = (rgb[i] >> 8) & 0xFF;
            int b = rgb[i] & 0xFF;
            if (channels == 1) {
                planes[0][i] = (float) (0.299 * r + 0.587 * g + 0.114 * b);
            } else {
                planes[0][i] = r;
                planes[1][i] = g;
                planes[2][i] = b;
            }
        }
        return planes;
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static String relative(Path dir, Path file) {
        return dir.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    }

    static String baseName(String fileName) {
        int dot = fileName.lastIndexOf('.');
        return dot > 0 ? fileName.substring(0, dot) : fileName;
    }
}
