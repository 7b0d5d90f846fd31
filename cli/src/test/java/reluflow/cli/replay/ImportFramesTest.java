package reluflow.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;
import reluflow.cli.Main;
import reluflow.engine.io.AvroContainerFiles;

class ImportFramesTest {
    @TempDir
    Path dir;

    @Test
    void grayscaleImagesAreResizedByAreaAveragingWithLabelsFromFoldersAndBadFilesListed() throws Exception {
        Path images = dir.resolve("images");
        // 8x8 gray: each 2x2 block is base + {0,2,4,6}, so its average is base + 3.
        BufferedImage gray = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                gray.getRaster().setSample(x, y, 0, base(x / 2, y / 2) + (x % 2) * 2 + (y % 2) * 4);
            }
        }
        Path cat = write(images.resolve("cat/cam-1_0003.png"), gray);
        Files.setLastModifiedTime(cat, FileTime.fromMillis(1_700_000_000_000L));
        write(images.resolve("dog/cam-1_0007.png"), rgb(4, 4));
        Files.createDirectories(images.resolve("dog"));
        Files.write(images.resolve("dog/broken.png"), "not a png at all".getBytes(StandardCharsets.UTF_8));
        Files.writeString(images.resolve("dog/readme.txt"), "hello");
        write(images.resolve("top.png"), rgb(2, 2));
        Files.writeString(images.resolve(".hidden.png"), "skipped without a word");

        Path out = dir.resolve("images.avro");
        Cli.Result r = Cli.run("frames", "import", "--images", images.toString(), "--out", out.toString(), "--shape", "1,4,4",
                "--label-from-dir");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Imported 2 frames", "Skipped 3 bad files:",
                "dog/broken.png: not an image that javax.imageio reads", "dog/readme.txt: not an image",
                "top.png: --label-from-dir: not inside a label folder");
        assertThat(r.out()).doesNotContain(".hidden");

        List<Frame> frames = read(out);
        Frame first = frames.get(0);
        assertThat(first.getSensorId()).isEqualTo("cam-1");
        assertThat(first.getFrameId()).isEqualTo(3L);
        assertThat(first.getShape()).containsExactly(1, 4, 4);
        assertThat(first.getDtype()).isEqualTo(TensorType.UINT8);
        assertThat(first.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        assertThat(first.getAttributes()).containsEntry("label", "cat").containsEntry("source", "cat/cam-1_0003.png")
                .containsEntry("original_size", "8x8");
        byte[] data = bytes(first.getData());
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertThat(data[y * 4 + x] & 0xFF).as("pixel %d,%d", x, y).isEqualTo(base(x, y) + 3);
            }
        }
        Frame second = frames.get(1);
        assertThat(second.getFrameId()).isEqualTo(7L);
        assertThat(second.getAttributes()).containsEntry("label", "dog");
        // Colour to grayscale: luma of the RGB pixel.
        int rgb = rgb(4, 4).getRGB(1, 2);
        int luma = (int) Math.round(0.299 * (rgb >> 16 & 0xFF) + 0.587 * (rgb >> 8 & 0xFF) + 0.114 * (rgb & 0xFF));
        assertThat(bytes(second.getData())[2 * 4 + 1] & 0xFF).isEqualTo(luma);
    }

    @Test
    void rgbImagesComeOutInChwOrderWithSensorAndTimesFromOptions() throws Exception {
        Path images = dir.resolve("rgb");
        BufferedImage image = rgb(3, 2);
        write(images.resolve("a.png"), image);
        write(images.resolve("b.jpg"), rgb(6, 4), "jpg");
        Path out = dir.resolve("rgb.avro");
        Cli.Result r = Cli.run("frames", "import", "--images", images.toString(), "--out", out.toString(), "--shape", "3,2,3",
                "--sensor", "camX", "--start", "2026-01-01T00:00:00Z", "--spacing-millis", "100");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Imported 2 frames", "Skipped 0 bad files");
        List<Frame> frames = read(out);
        assertThat(frames).extracting(Frame::getSensorId).containsExactly("camX", "camX");
        assertThat(frames).extracting(Frame::getFrameId).containsExactly(0L, 1L);
        assertThat(frames).extracting(Frame::getEventTime)
                .containsExactly(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-01-01T00:00:00.100Z"));
        byte[] data = bytes(frames.get(0).getData());
        assertThat(data).hasSize(3 * 2 * 3);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                int p = image.getRGB(x, y);
                assertThat(data[y * 3 + x] & 0xFF).isEqualTo(p >> 16 & 0xFF);
                assertThat(data[6 + y * 3 + x] & 0xFF).isEqualTo(p >> 8 & 0xFF);
                assertThat(data[12 + y * 3 + x] & 0xFF).isEqualTo(p & 0xFF);
            }
        }
        assertThat(frames.get(1).getShape()).containsExactly(3, 2, 3);

        Cli.Result noShape = Cli.run("frames", "import", "--images", images.toString(), "--out", out.toString(), "--shape", "2,4,4");
        assertThat(noShape.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(noShape.err()).contains("--images needs --shape C,H,W with C = 1 (grayscale) or 3 (RGB)");
    }

    @Test
    void csvRowsBecomeFloatFramesWithNamedColumnsAndBadRowsListed() throws Exception {
        Path csv = dir.resolve("machines.csv");
        Files.writeString(csv, String.join("\n",
                "sensor,time,f1,f2,f3,label",
                "m-1,2026-01-01T00:00:00Z,1.5,2,-3,ok",
                "m-1,2026-01-01T00:00:01Z,1,abc,3,ok",
                "m-2,1767225600000,1,2,ok",
                "m-2,1767225600000,1,NaN,3,worn",
                "m-2,when?,1,2,3,worn",
                "",
                "m-2,1767225602000,4,5,6,\"worn, badly\"",
                ""));
        Path out = dir.resolve("csv.avro");
        Cli.Result r = Cli.run("frames", "import", "--csv", csv.toString(), "--out", out.toString(), "--label-column", "label",
                "--sensor-column", "sensor", "--time-column", "time");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Imported 2 frames", "Skipped 4 bad rows:",
                "machines.csv line 3: column 'f2' is 'abc', not a number",
                "machines.csv line 4: has 5 fields, expected 6",
                "machines.csv line 5: column 'f2' is NaN (not finite",
                "machines.csv line 6: time column 'time': 'when?' is not a time");
        List<Frame> frames = read(out);
        assertThat(frames).extracting(Frame::getSensorId).containsExactly("m-1", "m-2");
        assertThat(frames).extracting(Frame::getFrameId).containsExactly(0L, 0L);
        assertThat(frames.get(0).getShape()).containsExactly(3);
        assertThat(frames.get(0).getDtype()).isEqualTo(TensorType.FLOAT32);
        assertThat(floats(frames.get(0).getData())).containsExactly(1.5f, 2f, -3f);
        assertThat(frames.get(0).getEventTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(frames.get(0).getAttributes()).containsEntry("label", "ok").containsEntry("source", "machines.csv:2");
        assertThat(frames.get(1).getEventTime()).isEqualTo(Instant.ofEpochMilli(1767225602000L));
        assertThat(frames.get(1).getAttributes()).containsEntry("label", "worn, badly");

        Path plain = dir.resolve("plain.csv");
        Files.writeString(plain, "1,2,3,4\n5,6,7,8\n");
        Cli.Result noHeader = Cli.run("frames", "import", "--csv", plain.toString(), "--out", out.toString(), "--shape", "1,2,2",
                "--start", "1000", "--spacing-millis", "5");
        assertThat(noHeader.exitCode()).as(noHeader.all()).isZero();
        List<Frame> rows = read(out);
        assertThat(rows).extracting(Frame::getSensorId).containsExactly("plain", "plain");
        assertThat(rows).extracting(Frame::getFrameId).containsExactly(0L, 1L);
        assertThat(rows).extracting(f -> f.getEventTime().toEpochMilli()).containsExactly(1000L, 1005L);
        assertThat(rows.get(1).getShape()).containsExactly(1, 2, 2);
        assertThat(floats(rows.get(1).getData())).containsExactly(5f, 6f, 7f, 8f);

        Cli.Result labelWithoutHeader = Cli.run("frames", "import", "--csv", plain.toString(), "--out", out.toString(),
                "--label-column", "label");
        assertThat(labelWithoutHeader.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(labelWithoutHeader.err()).contains("--label-column label needs a header row");

        Path allBad = dir.resolve("bad.csv");
        Files.writeString(allBad, "a,b\n1,x\n");
        Cli.Result none = Cli.run("frames", "import", "--csv", allBad.toString(), "--out", out.toString());
        assertThat(none.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(none.out()).contains("Skipped 1 bad rows:", "bad.csv line 2: column 'b' is 'x', not a number");
        assertThat(none.err()).contains("No frames imported");
    }

    @Test
    void npyRowsBecomeFloatFramesInBothOrdersWithBadRowsAndTruncationListed() throws Exception {
        // v1, float32, C order, 4x3; row 2 holds a NaN.
        ByteBuffer f32 = ByteBuffer.allocate(4 * 3 * 4).order(ByteOrder.LITTLE_ENDIAN);
        float[] values = {0, 1, 2, 3, 4, 5, Float.NaN, 7, 8, 9, 10, 11};
        for (float v : values) {
            f32.putFloat(v);
        }
        Path v1 = npy(dir.resolve("vib.npy"), 1, "<f4", false, "(4, 3)", f32.array());
        Path out = dir.resolve("npy.avro");
        Cli.Result r = Cli.run("frames", "import", "--npy", v1.toString(), "--out", out.toString(), "--start", "2026-01-01T00:00:00Z");
        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.out()).contains("Imported 3 frames", "Skipped 1 bad rows:", "vib.npy row 2: column 0 is NaN");
        List<Frame> frames = read(out);
        assertThat(frames).extracting(Frame::getSensorId).containsOnly("vib");
        assertThat(frames.get(2).getShape()).containsExactly(3);
        assertThat(floats(frames.get(0).getData())).containsExactly(0f, 1f, 2f);
        assertThat(floats(frames.get(2).getData())).containsExactly(9f, 10f, 11f);
        assertThat(frames.get(2).getAttributes()).containsEntry("source", "vib.npy[3]");

        // v2, float64, Fortran (column-major) order, 3x2: rows are (1,4), (2,5), (3,6).
        ByteBuffer f64 = ByteBuffer.allocate(6 * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : new double[] {1, 2, 3, 4, 5, 6}) {
            f64.putDouble(v);
        }
        Path v2 = npy(dir.resolve("fortran.npy"), 2, "<f8", true, "(3, 2)", f64.array());
        Cli.Result fortran = Cli.run("frames", "import", "--npy", v2.toString(), "--out", out.toString(), "--sensor", "s");
        assertThat(fortran.exitCode()).as(fortran.all()).isZero();
        List<Frame> rows = read(out);
        assertThat(rows).extracting(f -> floats(f.getData())).containsExactly(new float[] {1, 4}, new float[] {2, 5}, new float[] {3, 6});
        assertThat(rows).extracting(Frame::getSensorId).containsOnly("s");

        // Declares 5 rows of 2, holds 3.
        Path truncated = npy(dir.resolve("short.npy"), 1, "<f8", false, "(5, 2)", java.util.Arrays.copyOf(f64.array(), 6 * 8));
        Cli.Result cut = Cli.run("frames", "import", "--npy", truncated.toString(), "--out", out.toString());
        assertThat(cut.exitCode()).as(cut.all()).isZero();
        assertThat(cut.out()).contains("Imported 3 frames", "Skipped 2 bad rows:", "short.npy rows 3..4: file ends early (truncated)");

        Path bigEndian = npy(dir.resolve("be.npy"), 1, ">f4", false, "(1, 3)", new byte[12]);
        Cli.Result be = Cli.run("frames", "import", "--npy", bigEndian.toString(), "--out", out.toString());
        assertThat(be.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(be.err()).contains("be.npy: dtype >f4 is big-endian");

        Path threeD = npy(dir.resolve("cube.npy"), 1, "<f4", false, "(1, 1, 3)", new byte[12]);
        assertThat(Cli.run("frames", "import", "--npy", threeD.toString(), "--out", out.toString()).err()).contains("is not 2-D");

        Path ints = npy(dir.resolve("ints.npy"), 1, "<i8", false, "(1, 1)", new byte[8]);
        assertThat(Cli.run("frames", "import", "--npy", ints.toString(), "--out", out.toString()).err())
                .contains("dtype '<i8' is not float32 or float64");

        Path notNpy = dir.resolve("not.npy");
        Files.writeString(notNpy, "hello world, definitely not numpy");
        assertThat(Cli.run("frames", "import", "--npy", notNpy.toString(), "--out", out.toString()).err()).contains("magic");
    }

    private static int base(int bx, int by) {
        return 10 + 15 * bx + 45 * by;
    }

    private static BufferedImage rgb(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (30 + 40 * x) << 16 | (200 - 50 * y) << 8 | (17 * (x + y)));
            }
        }
        return image;
    }

    private static Path write(Path file, BufferedImage image) throws IOException {
        return write(file, image, "png");
    }

    private static Path write(Path file, BufferedImage image, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertThat(ImageIO.write(image, format, file.toFile())).isTrue();
        return file;
    }

    /** Writes an .npy file the way NumPy does: magic, version, header length, a padded dict literal, the data. */
    static Path npy(Path file, int version, String descr, boolean fortran, String shape, byte[] data) throws IOException {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': " + shape + ", }";
        int prefix = 6 + 2 + (version == 1 ? 2 : 4);
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        ByteBuffer length = ByteBuffer.allocate(version == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (version == 1) {
            length.putShort((short) header.length());
        } else {
            length.putInt(header.length());
        }
        bytes.write(length.array());
        bytes.write(header.getBytes(StandardCharsets.ISO_8859_1));
        bytes.write(data);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private static List<Frame> read(Path file) throws IOException {
        List<Frame> out = new ArrayList<>();
        try (AvroContainerFiles.Reader<Frame> reader = AvroContainerFiles.reader(file, Frame.class)) {
            reader.forEachRemaining(out::add);
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    private static float[] floats(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getFloat();
        }
        return out;
    }
}
