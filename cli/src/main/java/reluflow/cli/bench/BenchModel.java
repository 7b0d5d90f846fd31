package reluflow.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import reluflow.avro.Frame;
import reluflow.engine.demo.DemoModelKind;
import reluflow.engine.demo.DemoModels;
import reluflow.engine.demo.SyntheticFrames;

/** A model under test: its ONNX bytes, its input name and a deterministic frame generator. */
final class BenchModel {
    static final List<String> KNOWN = List.of("mlp", "cnn", "crayfish");
    static final int SENSORS = 4;
    /**
     * Frames pre-loaded per pipeline run unless --frames says otherwise: enough that the timed second half
     * lasts over a second at each model's rate on two cores (the CNN runs at thousands of frames/s, the
     * Crayfish-shaped model near a hundred thousand, the MLP at hundreds of thousands). With a third of
     * these, the halves lasted 0.4-0.7 s: too short to call sustained, and a burst of other work on the
     * shared machine moved the rate by half.
     */
    static final String DEFAULT_FRAMES = "mlp 720000, cnn 24000, crayfish 240000";
    private static final long SEED = 13L;

    final String name;
    final byte[] onnx;
    final String input;
    final int defaultFrames;
    private final DemoModelKind demo;

    private BenchModel(String name, byte[] onnx, String input, DemoModelKind demo, int defaultFrames) {
        this.name = name;
        this.onnx = onnx;
        this.input = input;
        this.demo = demo;
        this.defaultFrames = defaultFrames;
    }

    static BenchModel of(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "mlp" -> demo(DemoModelKind.MLP, 720_000);
            case "cnn" -> demo(DemoModelKind.CNN, 24_000);
            case "crayfish" -> new BenchModel("crayfish", CrayfishModel.build(), CrayfishModel.INPUT, null, 240_000);
            default -> throw new IllegalArgumentException("unknown model '" + name + "'; known: " + KNOWN);
        };
    }

    private static BenchModel demo(DemoModelKind kind, int defaultFrames) {
        return new BenchModel(kind.name().toLowerCase(Locale.ROOT), DemoModels.build(kind), DemoModels.inputName(kind), kind,
                defaultFrames);
    }

    boolean isCrayfish() {
        return demo == null;
    }

    Frame frame(long index) {
        return demo != null ? SyntheticFrames.frame(demo, index, SEED, SENSORS, 0L, 0L) : CrayfishModel.frame(index, SENSORS);
    }

    List<Frame> frames(int count) {
        List<Frame> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(frame(i));
        }
        return out;
    }

    static byte[] encode(Frame frame) {
        try {
            ByteBuffer buffer = frame.toByteBuffer();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
