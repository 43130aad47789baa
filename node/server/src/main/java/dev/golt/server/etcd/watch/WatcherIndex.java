package dev.golt.server.etcd.watch;

import dev.golt.storage.mvcc.KeyRange;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The synced watchers, found by key: a hash lookup for single-key watchers (the common case), and for
 * range and prefix watchers two sorted levels, by start and then by end, with the watchers of one
 * range together (etcd keeps ranges in an interval tree). A key's lookup visits each distinct start at
 * or below it and, under each, only the ends above the key, so 10,000 watchers on one prefix cost one
 * lookup per event, not 10,000 range checks.
 */
final class WatcherIndex {

    /** Unsigned byte order; a null end (no upper bound) above every key. */
    private static final Comparator<byte[]> END_ORDER = Comparator.nullsLast(Arrays::compareUnsigned);

    private final Map<ByteBuffer, Set<Watcher>> byKey = new HashMap<>();
    private final NavigableMap<byte[], NavigableMap<byte[], Set<Watcher>>> byRange = new TreeMap<>(Arrays::compareUnsigned);
    private int size;

    void add(Watcher w) {
        KeyRange r = w.spec.range();
        boolean added = r.isSingle()
                ? byKey.computeIfAbsent(ByteBuffer.wrap(r.from()), k -> new LinkedHashSet<>()).add(w)
                : byRange.computeIfAbsent(r.from(), k -> new TreeMap<>(END_ORDER))
                        .computeIfAbsent(r.to(), k -> new LinkedHashSet<>()).add(w);
        if (added) {
            size++;
        }
    }

    boolean remove(Watcher w) {
        KeyRange r = w.spec.range();
        boolean removed;
        if (r.isSingle()) {
            ByteBuffer k = ByteBuffer.wrap(r.from());
            Set<Watcher> set = byKey.get(k);
            removed = set != null && set.remove(w);
            if (set != null && set.isEmpty()) {
                byKey.remove(k);
            }
        } else {
            NavigableMap<byte[], Set<Watcher>> ends = byRange.get(r.from());
            Set<Watcher> set = ends == null ? null : ends.get(r.to());
            removed = set != null && set.remove(w);
            if (set != null && set.isEmpty()) {
                ends.remove(r.to());
                if (ends.isEmpty()) {
                    byRange.remove(r.from());
                }
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
        for (NavigableMap<byte[], Set<Watcher>> ends : byRange.headMap(key, true).values()) {
            for (Set<Watcher> watchers : ends.tailMap(key, false).values()) {
                watchers.forEach(action);
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
        byRange.values().forEach(ends -> ends.values().forEach(out::addAll));
        return out;
    }

    void clear() {
        byKey.clear();
        byRange.clear();
        size = 0;
    }
}
