package reluflow.engine.inference;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A frame's zero fraction per ReLU layer, as the FrameDetections record's {@code layer_sparsity} map: the
 * layer names of the batch, shared by its frames, and the fractions in one float array, in layer order.
 * One record per frame filled a LinkedHashMap with a boxed Float per layer; this is two objects, and
 * the detections sink writes it without boxing ({@link #name}, {@link #fraction}). Unmodifiable.
 */
public final class LayerSparsityMap extends AbstractMap<String, Float> {
    private final String[] names;
    private final float[] fractions;

    /** @param names shared, never modified; {@code fractions} has one entry per name */
    public LayerSparsityMap(String[] names, float[] fractions) {
        this.names = names;
        this.fractions = fractions;
    }

    @Override
    public int size() {
        return names.length;
    }

    public String name(int index) {
        return names[index];
    }

    public float fraction(int index) {
        return fractions[index];
    }

    @Override
    public Set<Entry<String, Float>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Float>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, Float> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], fractions[i]);
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }
}
