package dev.golt.storage.lsm;

import java.util.List;

/** Concatenates the non-overlapping, sorted tables of one level, opening one at a time. */
final class LevelIterator implements KvIterator {
    private final List<FileMeta> files;
    private final boolean forCompaction;
    private int index;
    private KvIterator current;

    LevelIterator(List<FileMeta> files) {
        this(files, false);
    }

    /** {@code forCompaction}: the tables are read with {@link Table#compactionIterator()}. */
    LevelIterator(List<FileMeta> files, boolean forCompaction) {
        this.files = files;
        this.forCompaction = forCompaction;
    }

    private KvIterator open(int i) {
        Table t = files.get(i).table();
        return forCompaction ? t.compactionIterator() : t.iterator();
    }

    @Override
    public boolean valid() {
        return current != null && current.valid();
    }

    @Override
    public byte[] key() {
        return current.key();
    }

    @Override
    public byte[] value() {
        return current.value();
    }

    @Override
    public void next() {
        current.next();
        advance();
    }

    @Override
    public void seek(byte[] target) {
        int lo = 0;
        int hi = files.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (Coding.compare(files.get(mid).largest(), target) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        index = lo;
        if (index < files.size()) {
            current = open(index);
            current.seek(target);
            advance();
        } else {
            current = null;
        }
    }

    @Override
    public void seekToFirst() {
        index = 0;
        if (files.isEmpty()) {
            current = null;
            return;
        }
        current = open(0);
        current.seekToFirst();
        advance();
    }

    private void advance() {
        while (current != null && !current.valid()) {
            index++;
            if (index >= files.size()) {
                current = null;
                return;
            }
            current = open(index);
            current.seekToFirst();
        }
    }
}
