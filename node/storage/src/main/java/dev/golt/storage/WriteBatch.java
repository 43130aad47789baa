package dev.golt.storage;

import java.util.ArrayList;
import java.util.List;

/** Puts and deletes applied together by {@link KeyValueStore#apply}. */
public final class WriteBatch {

    /** One operation; a null value is a delete. */
    public record Op(byte[] key, byte[] value) {}

    private final List<Op> ops = new ArrayList<>();

    public WriteBatch put(byte[] key, byte[] value) {
        ops.add(new Op(key, value));
        return this;
    }

    public WriteBatch delete(byte[] key) {
        ops.add(new Op(key, null));
        return this;
    }

    public List<Op> ops() {
        return ops;
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }
}
