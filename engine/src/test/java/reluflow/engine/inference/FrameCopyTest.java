package reluflow.engine.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import reluflow.avro.Frame;
import reluflow.avro.TensorType;

class FrameCopyTest {

    private static Frame frame(TensorType dtype, ByteBuffer data, int elements) {
        return Frame.newBuilder().setSensorId("s").setFrameId(1).setEventTime(Instant.EPOCH)
                .setShape(List.of(elements)).setDtype(dtype).setData(data).build();
    }

    /** Avro's bytes: little-endian floats, a slice of a larger record at an offset. */
    private static Frame floats(float... values) {
        ByteBuffer record = ByteBuffer.allocate(values.length * Float.BYTES + 9).order(ByteOrder.LITTLE_ENDIAN);
        record.position(5);
        ByteBuffer data = record.slice().order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putFloat(v);
        }
        data.flip();
        return frame(TensorType.FLOAT32, data, values.length);
    }

    private static ByteBuffer input(int bytes) {
        return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
    }

    @Test
    void floatFramesLandOneAfterAnotherAndEachIsCheckedAtItsPosition() {
        ByteBuffer input = input(3 * 2 * Float.BYTES);
        IntBuffer bits = input.asIntBuffer();
        int[] scratch = new int[2];
        FrameCopy.put(input, floats(1.5f, -2f), false, 1f, 0f);
        FrameCopy.put(input, floats(Float.NaN, 3f), false, 1f, 0f);
        FrameCopy.put(input, floats(4f, Float.NEGATIVE_INFINITY), false, 1f, 0f);

        assertThat(input.position()).isEqualTo(24);
        assertThat(new float[] {input.getFloat(0), input.getFloat(4), input.getFloat(12)}).containsExactly(1.5f, -2f, 3f);
        assertThat(FrameCopy.allFinite(bits, 0, 2, scratch)).isTrue();
        assertThat(FrameCopy.allFinite(bits, 1, 2, scratch)).isFalse();
        assertThat(FrameCopy.allFinite(bits, 2, 2, scratch)).isFalse();
        // The check reads a copy: the input keeps its values for ONNX Runtime.
        assertThat(input.getFloat(4)).isEqualTo(-2f);
    }

    @Test
    void bytesAreScaledToFloatsForAFloatModelAndKeptAsBytesForAUint8One() {
        ByteBuffer bytes = ByteBuffer.wrap(new byte[] {0, (byte) 128, (byte) 255});
        Frame image = frame(TensorType.UINT8, bytes, 3);

        ByteBuffer floatInput = input(3 * Float.BYTES);
        FrameCopy.put(floatInput, image, false, 0.5f, -1f);
        assertThat(new float[] {floatInput.getFloat(0), floatInput.getFloat(4), floatInput.getFloat(8)}).containsExactly(-1f, 63f, 126.5f);

        ByteBuffer byteInput = input(3);
        FrameCopy.put(byteInput, image, true, 0.5f, -1f);
        assertThat(new byte[] {byteInput.get(0), byteInput.get(1), byteInput.get(2)}).containsExactly(0, (byte) 128, (byte) 255);
        // The frame's own buffer is read through a duplicate: a second copy sees the same bytes.
        assertThat(image.getData().remaining()).isEqualTo(3);
    }

    @Test
    void aScaleThatOverflowsMakesTheScaledFrameNonFinite() {
        ByteBuffer input = input(Float.BYTES);
        // The batch's int view is taken before the copies, as the engine takes it: it spans the whole buffer.
        IntBuffer bits = input.asIntBuffer();
        FrameCopy.put(input, frame(TensorType.UINT8, ByteBuffer.wrap(new byte[] {(byte) 200}), 1), false, Float.MAX_VALUE, 0f);
        assertThat(FrameCopy.allFinite(bits, 0, 1, new int[1])).isFalse();
    }
}
