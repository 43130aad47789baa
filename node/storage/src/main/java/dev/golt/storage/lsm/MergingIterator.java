package dev.golt.storage.lsm;

import java.util.List;

/**
 * Merges sorted children; for equal keys the child with the lowest position (the newest data)
 * wins and the others are skipped. Tombstones are surfaced (value null) for the caller to handle.
 */
final class MergingIterator implements KvIterator {
    private final KvIterator[] children;
    private final byte[][] keys;
    private int current = -1;

    MergingIterator(List<KvIterator> children) {
        this.children = children.toArray(new KvIterator[0]);
        this.keys = new byte[this.children.length][];
    }

    @Override
    public boolean valid() {
        return current >= 0;
    }

    @Override
    public byte[] key() {
        return keys[current];
    }

    @Override
    public byte[] value() {
        return children[current].value();
    }

    @Override
    public void next() {
        byte[] k = keys[current];
        for (int i = 0; i < children.length; i++) {
            if (keys[i] != null && Coding.compare(keys[i], k) == 0) {
                children[i].next();
                refresh(i);
            }
        }
        pick();
    }

    @Override
    public void seek(byte[] target) {
        for (int i = 0; i < children.length; i++) {
            children[i].seek(target);
            refresh(i);
        }
        pick();
    }

    @Override
    public void seekToFirst() {
        for (int i = 0; i < children.length; i++) {
            children[i].seekToFirst();
            refresh(i);
        }
        pick();
    }

    private void refresh(int i) {
        keys[i] = children[i].valid() ? children[i].key() : null;
    }

    private void pick() {
        current = -1;
        for (int i = 0; i < children.length; i++) {
            if (keys[i] != null && (current < 0 || Coding.compare(keys[i], keys[current]) < 0)) {
                current = i;
            }
        }
    }
}
