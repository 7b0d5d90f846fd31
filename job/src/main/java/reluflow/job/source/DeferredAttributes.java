package reluflow.job.source;

import java.util.AbstractMap;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A frame's attributes, decoded from the record's bytes on first use into a plain mutable map: frames
 * go through the job without anyone reading their attributes, so most are never decoded. The bytes were
 * checked when the frame was read, so decoding cannot fail; the record's bytes are kept by the job for
 * dead letters anyway, so holding them costs nothing.
 */
final class DeferredAttributes extends AbstractMap<String, String> {
    private final byte[] bytes;
    private final int start;
    private Map<String, String> decoded;

    DeferredAttributes(byte[] bytes, int start) {
        this.bytes = bytes;
        this.start = start;
    }

    private Map<String, String> decoded() {
        if (decoded == null) {
            decoded = FrameBodyReader.decodeAttributes(bytes, start);
        }
        return decoded;
    }

    @Override
    public Set<Entry<String, String>> entrySet() {
        return decoded().entrySet();
    }

    @Override
    public int size() {
        return decoded().size();
    }

    @Override
    public String get(Object key) {
        return decoded().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return decoded().containsKey(key);
    }

    @Override
    public String put(String key, String value) {
        return decoded().put(key, value);
    }

    @Override
    public String remove(Object key) {
        return decoded().remove(key);
    }

    @Override
    public void clear() {
        decoded().clear();
    }

    @Override
    public Set<String> keySet() {
        return decoded().keySet();
    }

    @Override
    public Collection<String> values() {
        return decoded().values();
    }
}
