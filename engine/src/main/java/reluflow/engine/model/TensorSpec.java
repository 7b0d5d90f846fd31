package reluflow.engine.model;

import ai.onnx.proto.OnnxMl;
import java.util.Arrays;

/**
 * Name, element type and shape of a graph input or output as the model declares it; a dimension
 * that is symbolic or unknown is -1.
 */
public record TensorSpec(String name, int elemType, long[] dims) {

    public static TensorSpec of(OnnxMl.ValueInfoProto info) {
        OnnxMl.TypeProto.Tensor tensor = info.getType().getTensorType();
        long[] dims = tensor.hasShape()
                ? tensor.getShape().getDimList().stream().mapToLong(d -> d.hasDimValue() ? d.getDimValue() : -1).toArray()
                : new long[0];
        return new TensorSpec(info.getName(), tensor.getElemType(), dims);
    }

    public boolean isFloat() {
        return elemType == OnnxMl.TensorProto.DataType.FLOAT.getNumber();
    }

    public boolean isUint8() {
        return elemType == OnnxMl.TensorProto.DataType.UINT8.getNumber();
    }

    public String elemTypeName() {
        OnnxMl.TensorProto.DataType type = OnnxMl.TensorProto.DataType.forNumber(elemType);
        return type == null ? "type " + elemType : type.name();
    }

    /** The shape as users read it: '?' for a dynamic dimension. */
    public static String format(long[] dims) {
        StringBuilder out = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            out.append(i > 0 ? "," : "").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
        }
        return out.append(']').toString();
    }

    @Override
    public String toString() {
        return name + " " + elemTypeName() + format(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorSpec t && t.name.equals(name) && t.elemType == elemType && Arrays.equals(t.dims, dims);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(dims);
    }
}
