package dev.golt.server.etcd.watch;

import dev.golt.storage.mvcc.KeyRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The synced watchers, found by key: a hash lookup for single-key watchers (the common case), a scan
 * for range and prefix watchers. etcd keeps ranges in an interval tree; a node has few range watchers
 * compared to its single-key ones, so a list is cheaper until that changes.
 */
final class WatcherIndex {

    private final Map<ByteBuffer, Set<Watcher>> byKey = new HashMap<>();
    private final Set<Watcher> ranges = new LinkedHashSet<>();
    private int size;

    void add(Watcher w) {
        byte[] key = singleKey(w.spec.range());
        boolean added = key != null
                ? byKey.computeIfAbsent(ByteBuffer.wrap(key), k -> new LinkedHashSet<>()).add(w)
                : ranges.add(w);
        if (added) {
            size++;
        }
    }

    boolean remove(Watcher w) {
        byte[] key = singleKey(w.spec.range());
        boolean removed;
        if (key == null) {
            removed = ranges.remove(w);
        } else {
            ByteBuffer k = ByteBuffer.wrap(key);
            Set<Watcher> set = byKey.get(k);
            removed = set != null && set.remove(w);
            if (set != null && set.isEmpty()) {
                byKey.remove(k);
            }
        }
        if (removed) {
            size--;
        }
        return removed;
    }

    /** Calls {@code action} for every watcher whose range holds {@code key}. */
    void forEachOn(byte[] key, Consumer<Watcher> action) {
        Set<Watcher> set = byKey.get(ByteBuffer.wrap(key));
        if (set != null) {
            set.forEach(action);
        }
        for (Watcher w : ranges) {
            if (w.spec.range().contains(key)) {
                action.accept(w);
            }
        }
    }

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Every watcher, as a copy (the caller may change the index while going through it). */
    List<Watcher> all() {
        List<Watcher> out = new ArrayList<>(size);
        byKey.values().forEach(out::addAll);
        out.addAll(ranges);
        return out;
    }

    void clear() {
        byKey.clear();
        ranges.clear();
        size = 0;
    }

    /** The key of a single-key range ([k, k\0)), or null for any other range. */
    private static byte[] singleKey(KeyRange r) {
        byte[] from = r.from();
        byte[] to = r.to();
        if (to == null || to.length != from.length + 1 || to[from.length] != 0) {
            return null;
        }
        return Arrays.equals(to, 0, from.length, from, 0, from.length) ? from : null;
    }
}
